import type { Core } from '@strapi/strapi';
import { randomBytes } from 'node:crypto';
import type { Services } from '../../server/src/services';

const DAY = 24 * 60 * 60 * 1000;

export interface SentRequest {
  /** The request's document id (what events carry as requestId). */
  request: string;
  subject: string;
  /** The raw link token, as it travels in the message. */
  token: string;
}

export interface SentRequestOptions {
  subject: string;
  kind?: 'consent' | 'information';
  channel?: 'email' | 'sms';
  locale?: string | null;
  /** null: every active purpose based on consent. */
  purposeKeys?: string[] | null;
  /** From the plugin clock's now; 7 days by default. */
  expiresInMs?: number;
  /** How long the link opens the preference page; 365 days by default. */
  tokenTtlMs?: number;
}

const service = <N extends keyof Services>(strapi: Core.Strapi, name: N) =>
  strapi.plugin('consent').service(name) as ReturnType<Services[N]>;

export const clock = (strapi: Core.Strapi) => service(strapi, 'clock');

/**
 * A seeded demo client with no consent decision yet, in a language, not handed
 * out before in this test file: the seed leaves clients 42-49 without consent.
 */
const handedOut = new Set<string>();
export const seededClient = async (
  strapi: Core.Strapi,
  language: 'da' | 'sv' | 'en'
): Promise<string> => {
  const rows = (await strapi.db
    .connection('clients as c')
    .leftJoin('consent_states as s', 's.subject', 'c.document_id')
    .whereNull('s.id')
    .where('c.language', language)
    .orderBy('c.id')
    .select('c.document_id as documentId')) as { documentId: string }[];
  const free = rows.find((row) => !handedOut.has(row.documentId));
  if (!free) throw new Error(`no seeded ${language} client without consent left`);
  handedOut.add(free.documentId);
  return free.documentId;
};

/**
 * A consent request as the sender leaves it once the message is out: status
 * "sent", an expiry, and a link token issued through the plugin's own tokens
 * service in a transaction (only its hash is stored).
 */
export const createSentRequest = async (
  strapi: Core.Strapi,
  options: SentRequestOptions
): Promise<SentRequest> => {
  const now = clock(strapi).now();
  const documentId = `r${randomBytes(12).toString('hex')}`;
  await strapi.db.query('plugin::consent.consent-request').create({
    data: {
      documentId,
      subject: options.subject,
      kind: options.kind ?? 'consent',
      status: 'sent',
      held: false,
      channel: options.channel ?? 'email',
      requestLocale: options.locale === undefined ? 'en' : options.locale,
      purposeKeys: options.purposeKeys ?? null,
      attempts: 1,
      nextAttemptAt: now,
      sentAt: now,
      expiresAt: new Date(now.getTime() + (options.expiresInMs ?? 7 * DAY)),
    },
  });
  const [token] = await strapi.db.transaction(({ trx }) =>
    service(strapi, 'tokens').issue(
      trx,
      [{ request: documentId, subject: options.subject }],
      new Date(now.getTime() + (options.tokenTtlMs ?? 365 * DAY))
    )
  );
  return { request: documentId, subject: options.subject, token };
};

export const requestRow = async (strapi: Core.Strapi, documentId: string) =>
  strapi.db.query('plugin::consent.consent-request').findOne({ where: { documentId } }) as Promise<{
    status: string;
    answeredAt: string | null;
  }>;
