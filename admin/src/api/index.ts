/**
 * The admin panel's only way to the plugin's admin API: typed endpoints on Strapi's
 * admin API (cache tags, hooks) and the few calls that cannot be cached (downloads,
 * the batched status column, the host configuration). Shapes come from the server's
 * contracts.
 */
export * from '../../../server/src/contracts';
export * from './clients';
export * from './data-rights';
export * from './errors';
export * from './events';
export * from './paging';
export * from './purposes';
export * from './requests';
export * from './settings';
export * from './subjects';
export * from './dsr';
