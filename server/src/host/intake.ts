import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '../utils/strapi-errors';
import { needsConsent } from '../domain/state-machine';
import { adminActor } from '../utils/admin-user';
import { getService } from '../utils/get-service';
import type { BookingConsentInput } from '../validation/booking-consent';
import type { BookingContactInput } from '../validation/booking-contact';
import type { Actor, PurposeRow } from '../types';
import { documentsOf, queryOf } from '../utils/models';

/**
 * Who is behind a booking write, as far as consent is concerned:
 * - `server`: no HTTP request (the host's own code, a seed, a job): it speaks for the client;
 * - `admin`: an admin session (the Content Manager): staff, recorded as themselves;
 * - `trusted`: an API token the host names in `trust.apiTokens` (a booking back-end that
 *   authenticated its own users);
 * - `user`: a logged-in users-permissions user; decides at once only for the client linked to it;
 * - `anonymous`: everyone else (the public role, any other API token).
 */
export type Caller =
  | { kind: 'server' }
  | { kind: 'admin'; actor: Actor }
  | { kind: 'trusted'; token: string }
  | { kind: 'user'; userId: number }
  | { kind: 'anonymous' };

interface AuthState {
  strategy?: { name?: string };
  credentials?: { id?: number | string; name?: string } | null;
}

/** Whose decisions count at once for any client (the others depend on the client, see decides()). */
export const speaksForClient = (caller: Caller): boolean =>
  caller.kind === 'server' || caller.kind === 'admin' || caller.kind === 'trusted';

/** A required purpose the request did not give consent to (the anonymous `block` answer). */
export interface NotGiven {
  purpose: string;
  status: 'not_given';
}

/**
 * The plugin's public booking intake: who is calling, the client a booking is for
 * (found or created from `data.contact` in the booking's transaction), and the
 * `block` judgement of anonymous requests, made on the request alone.
 */
const intake = ({ strapi }: { strapi: Core.Strapi }) => ({
  callerOf(ctx: Context | undefined): Caller {
    if (!ctx) return { kind: 'server' };
    const auth = ctx.state?.auth as AuthState | undefined;
    const strategy = auth?.strategy?.name;
    if (strategy === 'admin' && ctx.state.user) return { kind: 'admin', actor: adminActor(ctx) };
    // Strapi 5.54 names the content-API token strategy `content-api-token` (earlier: `api-token`).
    if (strategy === 'content-api-token' || strategy === 'api-token') {
      const name = auth?.credentials?.name;
      const trusted = getService(strapi, 'config').get().trust.apiTokens;
      return name && trusted.includes(name)
        ? { kind: 'trusted', token: name }
        : { kind: 'anonymous' };
    }
    if (strategy === 'users-permissions' && auth?.credentials?.id != null) {
      return { kind: 'user', userId: Number(auth.credentials.id) };
    }
    return { kind: 'anonymous' };
  },

  /** The client linked to a logged-in user (config `subject.user`), or null. */
  async linkedSubject(caller: Caller): Promise<string | null> {
    return caller.kind === 'user' ? getService(strapi, 'subjects').forUser(caller.userId) : null;
  },

  /**
   * `block` for a caller who does not speak for the client: judged on the request's
   * decisions alone (every active required purpose given), never on what is stored,
   * so the answer is the same for a known and an unknown address. Throws the 400.
   */
  assertRequestGivesRequired(
    consent: BookingConsentInput | undefined,
    purposes: PurposeRow[]
  ): void {
    const given = new Set(consent?.given ?? []);
    const missing: NotGiven[] = purposes
      .filter(
        (p) => p.active && p.required && needsConsent(p) && p.currentTextId && !given.has(p.key)
      )
      .map((p) => ({ purpose: p.key, status: 'not_given' }));
    if (missing.length === 0) return;
    throw new errors.ValidationError('This booking needs consent to every required purpose', {
      missing,
      errors: missing.map((m) => ({
        path: ['data', 'consent', 'given'],
        message: `consent to "${m.purpose}" is required to book`,
      })),
    });
  },

  /**
   * The client for a contact: found by email (any case), else by phone, else created.
   * In the caller's transaction (the booking's): a new client is noted as created here
   * (services/first-decisions.ts), which is what lets its first decisions count at once.
   * An existing client's details are never changed from a booking.
   */
  async matchOrCreate(contact: BookingContactInput): Promise<string> {
    const fields = getService(strapi, 'config').get().subject;
    const uid = getService(strapi, 'subjects').uid();
    const email = contact.email?.trim().toLowerCase() || null;
    const phone = contact.phone?.replace(/\s+/g, '') || null;
    if (!email && !phone) {
      throw new errors.ValidationError('contact needs an email or a phone number', {
        errors: [{ path: ['data', 'contact'], message: 'email or phone is required' }],
      });
    }
    // A phone number is compared as typed and without spaces: clients registered at the desk keep theirs.
    const phones = [
      ...new Set([contact.phone?.trim(), phone].filter((p): p is string => Boolean(p))),
    ];
    const where =
      email && fields.email
        ? { [fields.email]: { $eqi: email } }
        : phone && fields.phone
          ? { [fields.phone]: { $in: phones } }
          : null;
    if (where) {
      const existing = (await queryOf(strapi, uid).findOne({ where, select: ['documentId'] })) as {
        documentId: string;
      } | null;
      if (existing) return existing.documentId;
    }
    const data: Record<string, unknown> = {};
    const put = (field: string | undefined, value: string | null | undefined) => {
      if (field && value) data[field] = this.fit(uid, field, value);
    };
    put(fields.name, contact.name);
    put(fields.email, email);
    put(fields.phone, phone);
    put(fields.language, contact.language);
    const created = await documentsOf(strapi, uid).create({ data });
    return (created as { documentId: string }).documentId;
  },

  /**
   * A value as the host's attribute takes it: cut to its maxLength, and an enumeration
   * value it does not list left out. An unknown address must not get a 400 that a known
   * one would not (the client is only created for the unknown one).
   */
  fit(uid: string, field: string, value: string): string | undefined {
    const attribute = strapi.contentTypes[uid as keyof typeof strapi.contentTypes]?.attributes[
      field
    ] as { type?: string; maxLength?: number; enum?: string[] } | undefined;
    if (attribute?.type === 'enumeration')
      return attribute.enum?.includes(value) ? value : undefined;
    return attribute?.maxLength ? value.slice(0, attribute.maxLength) : value;
  },

  /** Purposes by key, as the ledger checks decisions against them. */
  byKey(purposes: PurposeRow[]): Map<string, PurposeRow> {
    return new Map(purposes.map((p) => [p.key, p]));
  },
});

export default intake;
