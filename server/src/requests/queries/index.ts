/** The requests module's SQL, private to it: the services call these named statements. */
export * from './campaigns';
export * from './queue';
export * from './requests';
