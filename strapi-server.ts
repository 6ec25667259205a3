/** The typed server entry of the plugin: what Strapi loads through `exports['./strapi-server']`. */
export { default } from './server/src/index';
