import type { Core, Modules } from '@strapi/strapi';
import { getService } from '../utils/get-service';
import { noteSubjectCreated } from '../ledger';
import { transaction } from '../utils/transaction';

type Middleware = Modules.Documents.Middleware.Middleware;

/**
 * Document-service middleware on the subject type. A newly registered client
 * (by staff, by a booking, by an import):
 * - gets the information mail of GDPR Art. 13 when Settings ask for it: a queued
 *   request, written in the same transaction as the client, and sent by the worker;
 * - created inside a transaction, is remembered for the rest of it: a booking in the
 *   same transaction then records the client's first decisions in one statement
 *   (services/first-decisions.ts).
 */
export const subjectDocumentsMiddleware =
  (strapi: Core.Strapi): Middleware =>
  async (ctx, next) => {
    if (ctx.action !== 'create' || ctx.uid !== getService(strapi, 'subjects').uid()) return next();
    const settings = await getService(strapi, 'settings').cached();
    const create = async () => {
      const result = await next();
      const documentId = (result as { documentId?: string } | null)?.documentId;
      if (documentId) {
        await noteSubjectCreated(strapi, documentId);
        if (settings.informationMail)
          await getService(strapi, 'requests').create({ subject: documentId, kind: 'information' });
      }
      return result;
    };
    return settings.informationMail ? transaction(strapi, create) : create();
  };
