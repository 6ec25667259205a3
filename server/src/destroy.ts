import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

/** Stop the worker (the batch in hand is settled before the database closes); close the intake limit's Redis connection. */
const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  await getService(strapi, 'worker').stop();
  getService(strapi, 'intake-limit').close();
};

export default destroy;
