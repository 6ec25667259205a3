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

  /** The subject linked to a users-permissions user (config `subject.user`), or null. */
  async forUser(userId: number): Promise<string | null> {
    const field = getService(strapi, 'config').get().subject.user;
    if (!field) return null;
    const row = await strapi.db
      .query(this.uid() as never)
      .findOne({ where: { [field]: { id: userId } }, select: ['documentId'] });
    return (row as { documentId?: string } | null)?.documentId ?? null;
  },

  /** Throws a 404 in Strapi's error shape when the subject does not exist. */
  async assertExists(documentId: string): Promise<void> {
    if (!(await this.exists(documentId))) {
      throw new errors.NotFoundError('Subject not found', { subject: documentId });
    }
  },
});

export default subjects;
