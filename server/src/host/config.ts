import type { Core } from '@strapi/strapi';
import { parsePluginConfig, type PluginConfig } from '../config/schema';

/** The plugin configuration, parsed and normalised once. */
const config = ({ strapi }: { strapi: Core.Strapi }) => {
  let cached: PluginConfig | null = null;
  return {
    get(): PluginConfig {
      cached ??= parsePluginConfig(strapi.config.get('plugin::consent'));
      return cached;
    },
  };
};

export default config;
