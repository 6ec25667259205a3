import type { Core } from '@strapi/strapi';
import { assertHostTypes } from './config/host-types';
import { getService } from './utils/get-service';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // A wrong uid or field name stops Strapi here, before anything is served.
  assertHostTypes(strapi, getService(strapi, 'config').get());
};

export default register;
