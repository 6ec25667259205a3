import { factories } from '@strapi/strapi';

/**
 * Strapi's own controller. A public booking page sends `data.contact` (name, email,
 * phone, language) and `data.consent`: the consent plugin finds or creates the client
 * and records or holds the decisions (strapi-plugin-consent, docs/booking-intake.md).
 */
export default factories.createCoreController('api::booking.booking');
