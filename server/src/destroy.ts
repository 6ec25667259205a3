import type { Core } from '@strapi/strapi';

const destroy = (_: { strapi: Core.Strapi }) => {
  // Nothing to release yet: the plugin holds no timers or connections of its own.
};

export default destroy;
