import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { UID } from '../constants';
import { dialectOf } from '../utils/dialect';
import { newDocumentId } from '../utils/document-id';
import { fromColumns } from '../utils/rows';
import { getService } from '../utils/get-service';
import type { DecisionInput } from '../validation/decision';
import { lockSummary } from '../ledger';
import type { RequestRow } from '../types';
import { transaction } from '../utils/transaction';
import {
  dropInformation,
  holdInformation,
  insertRequest,
  openConfirmation,
  openConfirmations,
  releaseInformation,
  updateRequest,
} from './queries';

/** A decision held until the client confirms it: given or refused, with the version shown. */
export interface HeldDecision {
  purpose: string;
  decision: 'given' | 'refused';
  version?: string;
  explicit?: boolean;
}

/** What a confirmation request holds (`consent_requests.pending`). */
export interface Pending {
  decisions: HeldDecision[];
  locale: string | null;
  /** The booking the decisions came with. */
  booking: { uid: string; documentId: string };
  heldAt: string;
}

export interface HoldInput {
  subject: string;
  decisions: DecisionInput[];
  locale?: string | null;
  booking: { uid: string; documentId: string };
}

/** The reason an information mail waits with, naming the confirmation it waits for. */
const waitingFor = (request: string) => `waiting for the client to confirm request ${request}`;

const parsePending = (value: unknown): Pending | null => {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as Pending).decisions))
    return null;
  return parsed as Pending;
};

/**
 * Decisions that came through an anonymous channel for a client they cannot speak
 * for (an existing client named by email or phone on a public booking page, or a
 * double opt-in purpose) are held here, not recorded: a consent request (a
 * "confirmation") carries them to the address on file, and they become the client's
 * decisions only when the client confirms them through that link (consent-page.ts).
 * Unconfirmed, they lapse with the request (expiry.ts) and the ledger never sees them.
 *
 * One open confirmation per client: a later booking's decisions are merged into it
 * (the later decision per purpose wins) and no second message goes out, so naming a
 * client on a public page a hundred times sends them at most one message.
 */
const confirmations = ({ strapi }: { strapi: Core.Strapi }) => ({
  pendingOf(row: Pick<RequestRow, 'pending'>): Pending | null {
    return parsePending(row.pending);
  },

  /**
   * Hold decisions for the client, in the caller's transaction (the booking's).
   * `summaryLocked`: the caller holds the client's summary lock already (PostgreSQL's
   * booking path); otherwise it is taken here, so that bookings naming the same client
   * at once queue for it and find one open confirmation, not none each.
   */
  async hold(
    input: HoldInput,
    options: { newClient: boolean; summaryLocked: boolean }
  ): Promise<void> {
    const now = getService(strapi, 'clock').now();
    const held: HeldDecision[] = input.decisions
      .filter(
        (d): d is DecisionInput & { decision: 'given' | 'refused' } =>
          d.decision === 'given' || d.decision === 'refused'
      )
      .map((d) => ({
        purpose: d.purpose,
        decision: d.decision,
        ...(d.version ? { version: d.version } : {}),
        ...(d.explicit ? { explicit: true } : {}),
      }));
    if (held.length === 0) return;
    await transaction(strapi, async ({ trx, onCommit }) => {
      if (!options.summaryLocked) await lockSummary(strapi, trx, input.subject);
      const open = await this.openFor(trx, input.subject);
      const origin = `booking:${input.booking.uid}:${input.booking.documentId}`;
      let request: string;
      if (open) {
        const before = this.pendingOf(open)?.decisions ?? [];
        const replaced = new Set(held.map((d) => d.purpose));
        const decisions = [...before.filter((d) => !replaced.has(d.purpose)), ...held];
        const pending: Pending = {
          decisions,
          locale: input.locale ?? null,
          booking: input.booking,
          heldAt: now.toISOString(),
        };
        await updateRequest(trx, open.id, {
          pending: JSON.stringify(pending),
          purpose_keys: JSON.stringify(decisions.map((d) => d.purpose)),
          origin,
          updated_at: now,
        });
        request = open.documentId;
      } else {
        request = newDocumentId();
        const pending: Pending = {
          decisions: held,
          locale: input.locale ?? null,
          booking: input.booking,
          heldAt: now.toISOString(),
        };
        await insertRequest(trx, {
          ...getService(strapi, 'requests').newRow({
            documentId: request,
            subject: input.subject,
            kind: 'consent',
            purposeKeys: held.map((d) => d.purpose),
            actor: { type: 'system', name: 'booking intake' },
            now,
          }),
          request_locale: input.locale ?? null,
          pending: JSON.stringify(pending),
          origin,
        });
        onCommit(() => getService(strapi, 'worker').wake());
      }
      // A new client's information mail waits for this confirmation (double opt-in): the
      // address has not shown yet that it belongs to the person who booked.
      if (options.newClient) {
        await holdInformation(trx, input.subject, waitingFor(request), now);
      }
    });
  },

  /** The client's open confirmation (queued or sent), locked for the update when the database can. */
  async openFor(trx: Knex.Transaction, subject: string): Promise<RequestRow | null> {
    const row = await openConfirmation(trx, dialectOf(strapi), subject);
    return row ? fromColumns<RequestRow>(strapi, UID.request, row) : null;
  },

  /** The client confirmed: information mails that waited for it go out now. */
  async release(trx: Knex.Transaction, request: string): Promise<void> {
    const now = getService(strapi, 'clock').now();
    const released = await releaseInformation(trx, waitingFor(request), now);
    if (released > 0) getService(strapi, 'worker').wake();
  },

  /** The confirmation lapsed or was declined: the information mails that waited for it are not sent. */
  async dropWaiting(trx: Knex.Transaction, requests: string[]): Promise<void> {
    if (requests.length === 0) return;
    const now = getService(strapi, 'clock').now();
    await dropInformation(trx, requests.map(waitingFor), now);
  },

  /** What staff see on the client: the decisions waiting for the client's confirmation. */
  async pendingFor(subject: string) {
    const rows = await openConfirmations(strapi.db.connection, subject);
    return rows.map((raw) => {
      const row = fromColumns<RequestRow>(strapi, UID.request, raw);
      const pending = this.pendingOf(row);
      return {
        request: row.documentId,
        status: row.status,
        channel: row.channel,
        sentAt: row.sentAt,
        expiresAt: row.expiresAt,
        booking: pending?.booking ?? null,
        heldAt: pending?.heldAt ?? row.createdAt,
        decisions: pending?.decisions ?? [],
      };
    });
  },
});

export default confirmations;
