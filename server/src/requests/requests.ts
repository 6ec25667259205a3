import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { errors } from '../utils/strapi-errors';
import { UID } from '../constants';
import { needsConsent } from '../domain/state-machine';
import { newDocumentId } from '../utils/document-id';
import { fromColumns } from '../utils/rows';
import { getService } from '../utils/get-service';
import type { Actor, PurposeRow, RequestRow } from '../types';
import { transaction } from '../utils/transaction';
import {
  cancelOpen,
  insertRequest,
  listRequests,
  markAnswered,
  OPEN_STATUSES,
  requestByDocumentId,
  supersedeOpen,
} from './queries';

export { OPEN_STATUSES };
/** Statuses after which the same request may be sent again (as a new request). */
export const RESENDABLE_STATUSES = ['failed', 'declined', 'expired', 'cancelled'] as const;

export interface NewRequest {
  subject: string;
  kind?: 'consent' | 'information';
  /** Purposes to ask about; every active purpose based on consent when omitted. */
  purposes?: string[] | null;
  actor?: Actor | null;
}

/** The purposes a request may ask about: active, based on consent, with a published text. */
export const askablePurposes = (purposes: PurposeRow[]): PurposeRow[] =>
  purposes.filter((p) => p.active && needsConsent(p) && p.currentTextId);

/**
 * Consent requests: the send queue's rows. Creating one never sends anything;
 * the worker claims queued rows (services/worker.ts).
 */
const requests = ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * Refuses (400, code NO_ORGANISATION) while Settings name no organisation: every message
   * and consent page names it, and the plugin does not guess it from the host app.
   */
  async assertOrganisation(): Promise<void> {
    const { sender } = await getService(strapi, 'settings').get();
    if (!sender.organisation.trim()) {
      throw new errors.ApplicationError(
        'Set the organisation name (Settings > Consent, sender.organisation) before sending requests',
        { code: 'NO_ORGANISATION', path: ['sender', 'organisation'] }
      );
    }
  },

  /**
   * Refuses (400) while no consent text is published: a request would have
   * nothing to show. Checks asked purposes exist and can be asked about.
   */
  async assertAskable(purposeKeys: string[] | null | undefined): Promise<string[] | null> {
    await this.assertOrganisation();
    const askable = askablePurposes(await getService(strapi, 'purposes').list());
    if (askable.length === 0) {
      throw new errors.ApplicationError(
        'No consent text is published yet: publish a text before sending requests',
        {
          code: 'NO_PUBLISHED_TEXT',
        }
      );
    }
    if (!purposeKeys || purposeKeys.length === 0) return null;
    const keys = new Set(askable.map((p) => p.key));
    const unknown = purposeKeys.filter((k) => !keys.has(k));
    if (unknown.length > 0) {
      throw new errors.ValidationError(
        `Cannot ask about purpose "${unknown[0]}": unknown, inactive, not based on consent or without a published text`,
        {
          errors: unknown.map((k) => ({ path: ['purposes'], message: `cannot ask about "${k}"` })),
        }
      );
    }
    return [...new Set(purposeKeys)];
  },

  /** The keys of every purpose a request may ask about now (askablePurposes). */
  async askableKeys(): Promise<string[]> {
    return askablePurposes(await getService(strapi, 'purposes').list()).map((p) => p.key);
  },

  /**
   * Queue a request for one subject. A consent request supersedes the subject's
   * open one (cancelled, reason "superseded"), in the same transaction.
   */
  async create(input: NewRequest): Promise<RequestRow> {
    const kind = input.kind ?? 'consent';
    await getService(strapi, 'subjects').assertExists(input.subject);
    await getService(strapi, 'states').assertNotErased(input.subject);
    const purposeKeys = kind === 'consent' ? await this.assertAskable(input.purposes) : null;
    const now = getService(strapi, 'clock').now();
    const documentId = newDocumentId();
    const row = await transaction(strapi, async ({ trx, onCommit }) => {
      if (kind === 'consent') await this.supersede(trx, [input.subject], documentId, now);
      await insertRequest(
        trx,
        this.newRow({
          documentId,
          subject: input.subject,
          kind,
          purposeKeys,
          actor: input.actor,
          now,
        })
      );
      onCommit(() => getService(strapi, 'worker').wake());
      return requestByDocumentId(trx, documentId);
    });
    // Inserted just above, in the same transaction.
    return fromColumns<RequestRow>(strapi, UID.request, row as Record<string, unknown>);
  },

  newRow({
    documentId,
    subject,
    kind,
    purposeKeys,
    actor,
    campaign = null,
    now,
  }: {
    documentId: string;
    subject: string;
    kind: 'consent' | 'information';
    purposeKeys: string[] | null;
    actor?: Actor | null;
    campaign?: string | null;
    now: Date;
  }): Record<string, unknown> {
    return {
      document_id: documentId,
      subject,
      kind,
      status: 'queued',
      held: false,
      purpose_keys: purposeKeys ? JSON.stringify(purposeKeys) : null,
      campaign,
      attempts: 0,
      next_attempt_at: now,
      requested_by_id: actor?.id != null ? String(actor.id) : null,
      requested_by_name: actor?.name ?? null,
      created_at: now,
      updated_at: now,
    };
  },

  /** Cancel the open consent requests of these subjects (not `except`): a newer request replaces them. */
  async supersede(
    trx: Knex.Transaction,
    subjects: string[],
    except: string,
    now: Date
  ): Promise<void> {
    if (subjects.length === 0) return;
    await supersedeOpen(trx, subjects, except, now);
  },

  async findOne(documentId: string): Promise<RequestRow> {
    const row = await requestByDocumentId(strapi.db.connection, documentId);
    if (!row) throw new errors.NotFoundError('Request not found', { request: documentId });
    return fromColumns<RequestRow>(strapi, UID.request, row);
  },

  /** Cancel a queued or sent request (its link then shows the neutral page). */
  async cancel(documentId: string, reason = 'cancelled by staff'): Promise<RequestRow> {
    const now = getService(strapi, 'clock').now();
    const changed = await cancelOpen(strapi.db.connection, documentId, reason, now);
    const row = await this.findOne(documentId);
    if (!changed)
      throw new errors.ApplicationError(
        `Only a queued or sent request can be cancelled (this one is ${row.status})`
      );
    return row;
  },

  /** Send a failed, declined, expired or cancelled request again: a new request for the same subject and purposes. */
  async resend(documentId: string, actor: Actor): Promise<RequestRow> {
    const previous = await this.findOne(documentId);
    if (!(RESENDABLE_STATUSES as readonly string[]).includes(previous.status)) {
      throw new errors.ApplicationError(`A ${previous.status} request cannot be sent again`);
    }
    return this.create({
      subject: previous.subject,
      kind: previous.kind,
      purposes: previous.purposeKeys,
      actor,
    });
  },

  /** Newest first, keyset by id; optional filters by subject, campaign and status. */
  async list(
    filter: {
      subject?: string;
      campaign?: string;
      status?: string;
      before?: number;
      limit?: number;
    } = {}
  ) {
    const limit = filter.limit ?? 50;
    const rows = (await listRequests(strapi.db.connection, filter, limit)).map((row) =>
      this.present(fromColumns<RequestRow>(strapi, UID.request, row))
    );
    return { results: rows, next: rows.length === limit ? rows[rows.length - 1].id : null };
  },

  /** A request as the admin API shows it: without the worker's lease bookkeeping. */
  present(row: RequestRow) {
    const { leaseOwner: _owner, leaseUntil: _until, ...rest } = row;
    return rest;
  },

  /**
   * Record an answer: the request goes from sent to approved or declined, once.
   * Runs in the caller's transaction; false when it was not open any more.
   */
  async markAnswered(documentId: string, status: 'approved' | 'declined'): Promise<boolean> {
    const now = getService(strapi, 'clock').now();
    // Joins the caller's transaction (Strapi keeps it per async context).
    const changed = await transaction(strapi, ({ trx }) =>
      markAnswered(trx, documentId, status, now)
    );
    return changed === 1;
  },
});

export default requests;
