import type { Core } from '@strapi/strapi';

// A freshly created Strapi 5.54 app validates REST query params and document-service params
// strictly: the plugin's intake has to work with that, so this app keeps it on.
const config: Core.Config.Api = {
  rest: {
    defaultLimit: 25,
    maxLimit: 100,
    withCount: true,
    strictParams: true,
  },
  documents: {
    strictParams: true,
    strictRelations: true,
  },
};

export default config;
