import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import { getService } from '../utils/get-service';
import { queryOf } from '../utils/models';

export interface Contact {
  email: string | null;
  phone: string | null;
  name: string | null;
  language: string | null;
}

/** Access to the host app's subject type (e.g. api::client.client), as configured. */
const subjects = ({ strapi }: { strapi: Core.Strapi }) => ({
  uid() {
    return getService(strapi, 'config').get().subject.uid;
  },

  async exists(documentId: string): Promise<boolean> {
    const row = await queryOf(strapi, this.uid()).findOne({
      where: { documentId },
      select: ['id'],
    });
    return Boolean(row);
  },

  /** The subject linked to a users-permissions user (config `subject.user`), or null. */
  async forUser(userId: number): Promise<string | null> {
    const field = getService(strapi, 'config').get().subject.user;
    if (!field) return null;
    const row = await queryOf(strapi, this.uid()).findOne({
      where: { [field]: { id: userId } },
      select: ['documentId'],
    });
    return (row as { documentId?: string } | null)?.documentId ?? null;
  },

  /**
   * Contact details of subjects, from the fields the config names (email, phone,
   * name, language), keyed by document id. One query for a batch.
   */
  async contacts(documentIds: string[]): Promise<Map<string, Contact>> {
    const fields = getService(strapi, 'config').get().subject;
    const select = ['documentId', fields.email, fields.phone, fields.name, fields.language].filter(
      (f): f is string => Boolean(f)
    );
    const rows = (await queryOf(strapi, this.uid()).findMany({
      where: { documentId: { $in: documentIds } },
      select,
    })) as Record<string, unknown>[];
    const text = (field: string | undefined, row: Record<string, unknown>) => {
      const value = field ? row[field] : null;
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
    };
    return new Map(
      rows.map((row) => [
        row.documentId as string,
        {
          email: text(fields.email, row),
          phone: text(fields.phone, row),
          name: text(fields.name, row),
          language: text(fields.language, row),
        },
      ])
    );
  },

  /** Throws a 404 in Strapi's error shape when the subject does not exist. */
  async assertExists(documentId: string): Promise<void> {
    if (!(await this.exists(documentId))) {
      throw new errors.NotFoundError('Subject not found', { subject: documentId });
    }
  },
});

export default subjects;
