import type { Core } from '@strapi/strapi';
import { z } from '@strapi/utils';
import { UID } from '../constants';
import { DSR_KINDS, type DsrKind, type DsrRequest } from '../contracts';
import { hashToken, isLinkToken, newLinkToken } from '../requests';
import { DeadlineError, withDeadline } from '../utils/deadline';
import { getService } from '../utils/get-service';
import { queryOf } from '../utils/models';
import { transaction } from '../utils/transaction';
import type { FormField } from './form-page';
import { formStrings } from './strings';

/** How long the mailed confirmation link opens. */
export const LINK_TTL_HOURS = 48;
const HOUR = 60 * 60 * 1000;

interface SubmissionRow {
  id: number;
  kind: DsrKind;
  email: string | null;
  phone: string | null;
  details: string | null;
  locale: string | null;
  submittedAt: string;
  expiresAt: string;
}

const emailSchema = z.email().max(254);
const phoneSchema = z.string().regex(/^\+?[0-9][0-9 ()-]{5,30}$/);

/** A number as typed at the desk: without spaces, and in the groups the demo and intake keep (e.g. +45 31 12 34 56). */
const phoneForms = (phone: string): string[] => {
  const international = /^(\+\d{2})(\d+)$/.exec(phone);
  const grouped = international
    ? `${international[1]} ${international[2].replace(/(\d{2})(?=\d)/g, '$1 ')}`
    : null;
  return [...new Set([phone, grouped].filter((p): p is string => Boolean(p)))];
};

export type Submission =
  | { kind: 'invalid'; errors: FormField[]; values: Record<string, string> }
  | { kind: 'sent' };

/**
 * The public form of data-subject requests. A submission is held (its link token hashed)
 * until the link mailed to the address given is confirmed; only then does it join the
 * register, as received through the public form. Every answer of a valid submission is
 * the same whether the address belongs to a client or not: the message goes to the
 * address in both cases, and the client is looked up only on confirmation.
 */
const publicForm = ({ strapi }: { strapi: Core.Strapi }) => {
  const now = () => getService(strapi, 'clock').now();
  const submissions = () => strapi.db.query(UID.dsrSubmission);

  const send = async (
    to: { email: string | null; phone: string | null },
    raw: string,
    locale: string
  ) => {
    const delivery = getService(strapi, 'delivery');
    const t = formStrings(locale);
    const organisation = (await getService(strapi, 'settings').cached()).sender.organisation;
    const link = `${delivery.publicUrl()}/api/consent/dsr/c/${raw}`;
    const text = t.mail.body(link, LINK_TTL_HOURS);
    const message = {
      subject: t.mail.subject(organisation),
      text,
      html: `<p>${text
        .split('\n\n')
        .map((p) => p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>'))
        .join('</p><p>')}</p>`,
      sms: `${t.mail.subject(organisation)}: ${link}`,
      headers: {},
    };
    const sending = to.email
      ? delivery.send('email', to.email, message)
      : to.phone
        ? delivery.send('sms', to.phone, message)
        : Promise.resolve();
    // A deadline as on every other send: a stuck mail transport is replaced, not waited on forever.
    const { sendTimeoutMs } = getService(strapi, 'config').get().worker;
    try {
      await withDeadline(sending, sendTimeoutMs, `no answer within ${sendTimeoutMs} ms`);
    } catch (error) {
      if (error instanceof DeadlineError && to.email)
        delivery.replaceEmailProvider('a data-subject request link timed out');
      throw error;
    }
  };

  return {
    /** Whether the form offers a phone number (only with an SMS provider). */
    phoneEnabled(): boolean {
      return getService(strapi, 'delivery').canSms();
    },

    /**
     * Check the form and hold a valid submission; the message is sent after the commit,
     * without waiting for the mail server (its latency would differ by nothing, but the
     * form should not hang on it).
     */
    async submit(body: unknown, locale: string): Promise<Submission> {
      const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      const field = (name: string) =>
        typeof input[name] === 'string' ? (input[name] as string).trim() : '';
      const values = {
        kind: field('kind'),
        email: field('email'),
        phone: this.phoneEnabled() ? field('phone') : '',
        details: field('details'),
      };
      const errors: FormField[] = [];
      if (!(DSR_KINDS as readonly string[]).includes(values.kind)) errors.push('kind');
      if (!values.email && !values.phone) errors.push('contact');
      if (values.email && !emailSchema.safeParse(values.email).success) errors.push('email');
      if (values.phone && !phoneSchema.safeParse(values.phone).success) errors.push('phone');
      if (values.details.length > 2000) errors.push('details');
      if (errors.length) return { kind: 'invalid', errors, values };

      const at = now();
      const { raw, hash } = newLinkToken();
      const email = values.email ? values.email.toLowerCase() : null;
      const phone = email ? null : values.phone.replace(/[\s()-]/g, '');
      await transaction(strapi, async () => {
        // Expired submissions go as new ones come (an index on expires_at): no job needed.
        await submissions().deleteMany({ where: { expiresAt: { $lte: at } } });
        await submissions().create({
          data: {
            tokenHash: hash,
            kind: values.kind,
            email,
            phone,
            details: values.details || null,
            locale,
            submittedAt: at,
            expiresAt: new Date(at.getTime() + LINK_TTL_HOURS * HOUR),
          },
        });
      });
      send({ email, phone }, raw, locale).catch((error: Error) =>
        strapi.log.error(
          `[consent] data-subject request form: the link was not sent: ${error.message}`
        )
      );
      return { kind: 'sent' };
    },

    /** The held submission of a link, or null (malformed, unknown, expired: all the same). */
    async pending(raw: string): Promise<SubmissionRow | null> {
      if (!isLinkToken(raw)) return null;
      const row = (await submissions().findOne({
        where: { tokenHash: hashToken(raw), expiresAt: { $gt: now() } },
      })) as SubmissionRow | null;
      return row;
    },

    /**
     * Confirm a link: the submission leaves the holding table and joins the register, received
     * (at submission time) through the public form, matched to the one client with that address.
     * Null when the link cannot be used (a second confirmation included).
     */
    async confirm(raw: string): Promise<DsrRequest | null> {
      const held = await this.pending(raw);
      if (!held) return null;
      return transaction(strapi, async () => {
        // Deleting is the claim: of two confirmations at once only one deletes the row.
        const { count } = await submissions().deleteMany({ where: { id: held.id } });
        if (Number(count) !== 1) return null;
        const client = await this.matchClient(held.email, held.phone);
        return getService(strapi, 'dsr').create(
          {
            kind: held.kind,
            channel: 'public_form',
            client,
            contact: held.email ?? held.phone,
            receivedAt: new Date(held.submittedAt),
            details: held.details,
          },
          { type: 'subject', id: null, name: null },
          {
            addressConfirmed: held.email ? 'email' : 'phone',
            confirmedAt: now().toISOString(),
            matched: client ? 'client' : 'unidentified',
          }
        );
      });
    },

    /** The client with this address, when there is exactly one; else null (unidentified). */
    async matchClient(email: string | null, phone: string | null): Promise<string | null> {
      const fields = getService(strapi, 'config').get().subject;
      const uid = getService(strapi, 'subjects').uid();
      const where =
        email && fields.email
          ? { [fields.email]: { $eqi: email } }
          : phone && fields.phone
            ? // As the intake matches: the number as stored without spaces, or with the usual groups of two.
              { [fields.phone]: { $in: phoneForms(phone) } }
            : null;
      if (!where) return null;
      const rows = (await queryOf(strapi, uid).findMany({
        where,
        select: ['documentId'],
        limit: 2,
      })) as { documentId: string }[];
      return rows.length === 1 ? rows[0].documentId : null;
    },
  };
};

export default publicForm;
