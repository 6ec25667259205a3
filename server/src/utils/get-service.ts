import type { Core } from '@strapi/strapi';
import type { Services } from '../services';

/** Typed access to the plugin's own services. */
export const getService = <N extends keyof Services>(strapi: Core.Strapi, name: N): ReturnType<Services[N]> =>
  strapi.plugin('consent').service(name) as ReturnType<Services[N]>;
