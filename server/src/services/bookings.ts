import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { UID } from '../constants';
import { getService } from '../utils/get-service';
import type { BookingConsentInput } from '../validation/booking-consent';
import type { DecisionInput } from '../validation/decision';

export interface BookingContext {
  uid: string;
  /** The stored booking (document id, numeric id). */
  booking: { id: number; documentId: string };
  consent?: BookingConsentInput;
  ip?: string | null;
  userAgent?: string | null;
  /** Block only applies to new bookings; updates refresh the check. */
  action: 'create' | 'update';
}

/** The client's decisions as ledger input: one entry per purpose key. */
export const decisionsFrom = (consent: BookingConsentInput): DecisionInput[] => {
  const explicit = new Set(consent.explicit ?? []);
  const entry = (purpose: string, decision: 'given' | 'refused'): DecisionInput => ({
    purpose,
    decision,
    version: consent.versions?.[purpose],
    explicit: decision === 'given' && explicit.has(purpose) ? true : undefined,
  });
  return [...(consent.given ?? []).map((k) => entry(k, 'given')), ...(consent.refused ?? []).map((k) => entry(k, 'refused'))];
};

/**
 * Consent recorded with a booking, and the booking's requirement mode. Called by
 * the document middleware inside the booking's transaction: if anything here
 * throws, neither the booking nor the events are stored.
 */
const bookings = ({ strapi }: { strapi: Core.Strapi }) => ({
  settingsFor(uid: string) {
    return getService(strapi, 'config').get().bookings.find((b) => b.uid === uid) ?? null;
  },

  /** The booking's client (document id) through the configured relation. */
  async subjectOf(uid: string, bookingId: number): Promise<string | null> {
    const settings = this.settingsFor(uid);
    if (!settings) return null;
    const row = (await strapi.db.query(uid as never).findOne({
      where: { id: bookingId },
      select: ['id'],
      populate: { [settings.subject]: { select: ['documentId'] } },
    })) as Record<string, { documentId?: string } | null> | null;
    return row?.[settings.subject]?.documentId ?? null;
  },

  async afterWrite(context: BookingContext): Promise<void> {
    const settings = this.settingsFor(context.uid);
    if (!settings) return;
    const subject = await this.subjectOf(context.uid, context.booking.id);
    const decisions = context.consent ? decisionsFrom(context.consent) : [];

    if (decisions.length > 0) {
      if (!subject) {
        throw new errors.ValidationError('Consent was given with a booking that has no client', {
          errors: [{ path: ['data', settings.subject], message: 'a booking with consent needs a client' }],
        });
      }
      await getService(strapi, 'ledger').record({
        subject,
        decisions,
        channel: 'booking_page',
        locale: context.consent?.locale,
        source: `booking:${context.uid}`,
        actor: { type: 'subject' },
        ip: context.ip,
        userAgent: context.userAgent,
        bookingId: context.booking.documentId,
      });
    }

    if (settings.requirement === 'none') return;
    const missing = subject ? await getService(strapi, 'states').missingRequired(subject) : [{ purpose: null, status: 'no_client' }];
    if (missing.length > 0 && settings.requirement === 'block' && context.action === 'create') {
      throw new errors.ValidationError('The client has not given the consent this booking requires', {
        missing,
        errors: missing.map((m) => ({ path: ['data', 'consent', 'given'], message: `consent to "${m.purpose}" is ${m.status}` })),
      });
    }
    await this.saveCheck(context.uid, context.booking.documentId, subject, missing);
  },

  /** Mark the booking (warn mode): the admin sees whether its client lacked valid consent. */
  async saveCheck(uid: string, bookingId: string, subject: string | null, missing: unknown[]) {
    const data = { bookingUid: uid, bookingId, subject, valid: missing.length === 0, missing, checkedAt: new Date() };
    const existing = await strapi.db.query(UID.bookingCheck).findOne({ where: { bookingUid: uid, bookingId }, select: ['id'] });
    if (existing) await strapi.db.query(UID.bookingCheck).update({ where: { id: existing.id }, data });
    else await strapi.db.query(UID.bookingCheck).create({ data });
  },

  async findCheck(uid: string, bookingId: string) {
    return strapi.db.query(UID.bookingCheck).findOne({ where: { bookingUid: uid, bookingId } });
  },

  /** A deleted booking takes its check with it; its consent events stay, they are the proof. */
  async afterDelete(uid: string, bookingId: string) {
    await strapi.db.query(UID.bookingCheck).deleteMany({ where: { bookingUid: uid, bookingId } });
  },
});

export default bookings;
