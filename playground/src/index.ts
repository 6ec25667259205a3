import type { Core } from '@strapi/strapi';
import { seedDemo } from './seed';

export default {
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await seedDemo(strapi);
  },
};
