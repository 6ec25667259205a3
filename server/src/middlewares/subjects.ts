import type { Core, Modules } from '@strapi/strapi';
import { getService } from '../utils/get-service';

type Middleware = Modules.Documents.Middleware.Middleware;

/**
 * Document-service middleware on the subject type: a newly registered client
 * (by staff, by a booking, by an import) gets the information mail of GDPR
 * Art. 13 when Settings ask for it. The mail is a queued request, written in the
 * same transaction as the client, and sent by the worker.
 */
export const subjectDocumentsMiddleware =
  (strapi: Core.Strapi): Middleware =>
  async (ctx, next) => {
    if (ctx.action !== 'create' || ctx.uid !== getService(strapi, 'subjects').uid()) return next();
    const settings = await getService(strapi, 'settings').cached();
    if (!settings.informationMail) return next();
    return strapi.db.transaction(async () => {
      const result = await next();
      const documentId = (result as { documentId?: string } | null)?.documentId;
      if (documentId) await getService(strapi, 'requests').create({ subject: documentId, kind: 'information' });
      return result;
    });
  };
