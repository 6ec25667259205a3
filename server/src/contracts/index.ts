/**
 * The admin API's contract: the shapes of its requests and answers and the
 * enumerations they use, read by the server (validation, controllers) and the admin
 * panel (its API modules and screens). Types, constant lists and pure helpers, importing
 * nothing else from server/src, so the admin bundle can take it whole.
 */
export * from './enums';
export * from './purposes';
export * from './clients';
export * from './requests';
export * from './subjects';
export * from './settings';
export * from './data-rights';
export * from './dsr';
