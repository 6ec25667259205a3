import type { Core } from '@strapi/strapi';
import type { Services } from '../services/index';

// Strapi's lookup builds a uid string and goes through two registries on every call; the
// booking and send paths call it dozens of times per booking or mail. A service instance
// does not change once made, so each is looked up once per Strapi instance.
const instances = new WeakMap<Core.Strapi, Map<string, unknown>>();

/** Typed access to the plugin's own services. */
export const getService = <N extends keyof Services>(
  strapi: Core.Strapi,
  name: N
): ReturnType<Services[N]> => {
  let cache = instances.get(strapi);
  if (!cache) {
    cache = new Map();
    instances.set(strapi, cache);
  }
  let service = cache.get(name);
  if (service === undefined) {
    service = strapi.plugin('consent').service(name);
    // An unknown name stays uncached (undefined), as Strapi answers it.
    if (service !== undefined) cache.set(name, service);
  }
  return service as ReturnType<Services[N]>;
};
