import type { Core } from '@strapi/strapi';
import { assertHostTypes } from './config/host-types';
import { assertStrapiVersion } from './config/strapi-version';
import { guardBodyParser } from './middlewares/bad-input';
import { registerContentManagerListFilter } from './middlewares/content-manager-list';
import { bookingDocumentsMiddleware } from './middlewares/documents';
import { subjectDocumentsMiddleware } from './middlewares/subjects';
import { registerMigrations } from './migrations/index';
import { getService } from './utils/get-service';
import { bookingConsentSchema } from './validation/booking-consent';
import { bookingContactSchema } from './validation/booking-contact';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // An older Strapi lacks what the plugin uses: stop at start with one clear message.
  assertStrapiVersion(strapi);
  const config = getService(strapi, 'config').get();
  // A wrong uid or field name stops Strapi here, before anything is served.
  assertHostTypes(strapi, config);
  // Before the app's middlewares are set up (bootstrap): a malformed body on the plugin's routes
  // and the booking intake is a 400, not the body parser's 500.
  guardBodyParser(strapi);

  // Booking requests may carry `data.consent`: Strapi 5 rejects unknown body fields,
  // so declare it on the create/update routes of every configured booking type.
  // `z as never` below: Strapi hands the callback zod's classic module and the builders take
  // @strapi/utils' `z` (zod/v4's index): the same runtime object under two declaration files.
  const handlers = new Set(config.bookings.flatMap((b) => [`${b.uid}.create`, `${b.uid}.update`]));
  strapi.contentAPI.addInputParams({
    consent: {
      schema: (z) => bookingConsentSchema(z as never).optional(),
      matchRoute: (route) => typeof route.handler === 'string' && handlers.has(route.handler),
    },
  });
  // The plugin's public intake: `data.contact` on the create route of every booking type with
  // `intake` on; the plugin finds or creates the client (middlewares/documents.ts, services/intake.ts).
  const intakeHandlers = new Set(
    config.bookings.filter((b) => b.intake).map((b) => `${b.uid}.create`)
  );
  strapi.contentAPI.addInputParams({
    contact: {
      schema: (z) => bookingContactSchema(z as never, config.locales).optional(),
      matchRoute: (route) => typeof route.handler === 'string' && intakeHandlers.has(route.handler),
    },
  });
  strapi.documents.use(bookingDocumentsMiddleware(strapi));
  strapi.documents.use(subjectDocumentsMiddleware(strapi));
  // The Content Manager list of clients: ?consent=valid|invalid (the admin's list filter).
  registerContentManagerListFilter(strapi);
  // consent.given / refused / withdrawn / expired / erased become selectable webhook events.
  getService(strapi, 'webhooks').register();
  // One-off data migrations, after the schema sync (migrations/index.ts).
  registerMigrations(strapi);
};

export default register;
