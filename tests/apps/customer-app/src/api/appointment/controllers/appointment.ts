import { factories } from '@strapi/strapi';

/**
 * Strapi's own controller: a booking page sends `data.contact` and `data.consent`, and the
 * consent plugin finds or creates the customer and sets the relation itself, so the public
 * role needs no permission on customers.
 */
export default factories.createCoreController('api::appointment.appointment');
