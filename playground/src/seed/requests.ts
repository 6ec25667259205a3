import type { Core } from '@strapi/strapi';
import { randomBytes } from 'node:crypto';

const DAY = 24 * 60 * 60 * 1000;
const id = (prefix: string) => `${prefix}${randomBytes(12).toString('hex').slice(0, 23)}`;

type Client = { documentId: string; language: string };

/**
 * Consent requests for the admin screens to show, as the worker and the consent
 * page leave them (no mail is sent by the seed):
 * - a finished campaign "Re-consent after storage 2.0" to the 10 outdated clients
 *   (0-9), ten days ago: 7 expired unanswered, 3 failed (no address reached). An
 *   expired request records no event here: these clients had decided on storage
 *   before (the expiry job records "expired" only for purposes never decided);
 * - two approved requests (clients 10 and 11): the consent they gave by the email
 *   link is recorded as an event naming the request;
 * - two requests sent yesterday and still open (clients 30 and 31, who refused at
 *   a booking): they show as "pending".
 * The consent statuses of the seed stay as they were.
 */
export const seedRequests = async (strapi: Core.Strapi, clients: Client[]) => {
  const consent = strapi.plugin('consent');
  const requests = consent.service('requests');
  const ledger = consent.service('ledger');
  const db = strapi.db.connection;
  const now = Date.now();
  const actor = { type: 'admin' as const, id: 'seed', name: 'Demo seed' };

  const row = (
    client: Client,
    at: number,
    fields: Record<string, unknown>,
    campaign: string | null = null
  ) => ({
    ...requests.newRow({
      documentId: id('q'),
      subject: client.documentId,
      kind: 'consent',
      purposeKeys: ['storage'],
      actor,
      campaign,
      now: new Date(at),
    }),
    channel: 'email',
    request_locale: client.language,
    attempts: 1,
    sent_at: new Date(at + 60_000),
    expires_at: new Date(at + 7 * DAY),
    ...fields,
  });

  const campaign = id('k');
  const started = now - 10 * DAY;
  await db('consent_campaigns').insert({
    document_id: campaign,
    name: 'Re-consent after storage 2.0',
    status: 'completed',
    audience: JSON.stringify({ state: 'outdated' }),
    purpose_keys: JSON.stringify(['storage']),
    total: 10,
    reminder: true,
    started_by_id: 'seed',
    started_by_name: 'Demo seed',
    finished_at: new Date(started + 7 * DAY),
    created_at: new Date(started),
    updated_at: new Date(started + 7 * DAY),
  });
  await db('consent_requests').insert(
    clients.slice(0, 10).map((client, i) =>
      row(
        client,
        started,
        i < 7
          ? {
              status: 'expired',
              reason: 'no answer before the request expired',
              updated_at: new Date(started + 7 * DAY),
            }
          : {
              status: 'failed',
              attempts: 3,
              sent_at: null,
              expires_at: null,
              reason: 'the mail server refused the address',
              updated_at: new Date(started + DAY),
            },
        campaign
      )
    )
  );

  for (const client of clients.slice(10, 12)) {
    const asked = now - 3 * DAY;
    const request = row(client, asked, {
      status: 'approved',
      answered_at: new Date(asked + 2 * 3600_000),
      updated_at: new Date(asked + 2 * 3600_000),
    });
    await db('consent_requests').insert(request);
    await ledger.record({
      subject: client.documentId,
      decisions: [{ purpose: 'storage', decision: 'given' }],
      channel: 'email_link',
      locale: client.language,
      source: 'demo seed',
      actor: { type: 'subject' },
      requestId: request.document_id as string,
    });
  }

  for (const client of clients.slice(30, 32)) {
    await db('consent_requests').insert(
      row(client, now - DAY, { status: 'sent', updated_at: new Date(now - DAY) })
    );
  }
};
