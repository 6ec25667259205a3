import type { Core } from '@strapi/strapi';
import { errors } from './utils/strapi-errors';
import { UID } from './constants';

/**
 * The event log and published text versions are proof: no API may change or
 * remove them. Query-engine lifecycles fire for every path Strapi offers (Content
 * Manager, Document Service, db.query), so refuse updates and deletes there.
 */
export const guardAppendOnly = (strapi: Core.Strapi): void => {
  const refuse = (event: { model: { uid: string } }) => {
    const what =
      event.model.uid === UID.text
        ? 'Published consent texts are immutable: publish a new version'
        : event.model.uid === UID.audit
          ? 'The consent audit trail is append-only'
          : event.model.uid === UID.dsrHistory
            ? 'The history of a data-subject request is append-only'
            : 'Consent events are append-only';
    throw new errors.ForbiddenError(what);
  };
  strapi.db.lifecycles.subscribe({
    models: [UID.event, UID.text, UID.audit, UID.dsrHistory],
    beforeUpdate: refuse,
    beforeUpdateMany: refuse,
    beforeDelete: refuse,
    beforeDeleteMany: refuse,
  });
};
