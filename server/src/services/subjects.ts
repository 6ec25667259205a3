import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getService } from '../utils/get-service';

/** Access to the host app's subject type (e.g. api::client.client), as configured. */
const subjects = ({ strapi }: { strapi: Core.Strapi }) => ({
  uid() {
    return getService(strapi, 'config').get().subject.uid;
  },

  async exists(documentId: string): Promise<boolean> {
    const row = await strapi.db
      .query(this.uid() as never)
      .findOne({ where: { documentId }, select: ['id'] });
    return Boolean(row);
  },

  /** Throws a 404 in Strapi's error shape when the subject does not exist. */
  async assertExists(documentId: string): Promise<void> {
    if (!(await this.exists(documentId))) {
      throw new errors.NotFoundError('Subject not found', { subject: documentId });
    }
  },
});

export default subjects;
