import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { errors } from '../utils/strapi-errors';
import { UID } from '../constants';
import { dialectOf } from '../utils/dialect';
import { newDocumentId } from '../utils/document-id';
import { fromColumns } from '../utils/rows';
import { getService } from '../utils/get-service';
import type { Actor, Audience, CampaignRow, RequestStatus } from '../types';
import { transaction } from '../utils/transaction';
import {
  analyzeRequests,
  campaignByDocumentId,
  completeFinished,
  hostClientsQuery,
  insertCampaign,
  listCampaigns,
  queueAudience,
  requestsPerStatus,
  supersedeAudience,
  supersedeOthersOfCampaign,
  updateCampaign,
  updateQueuedOfCampaign,
} from './queries';

export type { Audience } from '../types';

export interface NewCampaign {
  name: string;
  audience: Audience;
  purposes?: string[] | null;
  /**
   * Ask refused and withdrawn purposes again although their text has not changed
   * substantively since (false by default: a campaign never asks again what a client
   * refused, docs/requests.md "What a campaign asks").
   */
  askAgainRefused?: boolean;
  reminder?: boolean;
  actor?: Actor | null;
}

/**
 * Campaigns: one consent request per client of an audience ("every client
 * without valid consent", or a selection) that has something left to ask, queued
 * by one set-based INSERT ... SELECT that also writes each request's own purposes
 * (what is missing or outdated for that client, never what it refused or withdrew
 * unless the text changed substantively since); the worker sends them like any
 * request. Pause holds the queued rows, resume releases them, cancel cancels them.
 */
const campaigns = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The audience's client document ids as a subquery (never loaded into memory). */
  audienceQuery(trx: Knex.Transaction, audience: Audience, fingerprint: string) {
    const clients = getService(strapi, 'clients');
    if ('subjects' in audience) {
      return hostClientsQuery(trx, clients.host(), audience.subjects);
    }
    const filter =
      'state' in audience
        ? { state: audience.state, q: audience.q }
        : { state: 'invalid' as const };
    return clients.documentIdsQuery(trx, filter, fingerprint);
  },

  async create(input: NewCampaign): Promise<CampaignRow & { counts: Record<string, number> }> {
    const requests = getService(strapi, 'requests');
    const purposeKeys = await requests.assertAskable(input.purposes);
    // The purposes a request of this campaign may ask about; each client's request asks
    // the part of them that is left for that client (queries/campaigns.ts askedPurposesQuery).
    const rule = {
      purposes: purposeKeys ?? (await requests.askableKeys()),
      askAgainRefused: input.askAgainRefused === true,
    };
    const now = getService(strapi, 'clock').now();
    const documentId = newDocumentId();
    const fingerprint = await getService(strapi, 'states').currentFingerprint();
    const dialect = dialectOf(strapi);
    await transaction(strapi, async ({ trx, onCommit }) => {
      await insertCampaign(trx, {
        document_id: documentId,
        name: input.name,
        status: 'running',
        audience: JSON.stringify(input.audience),
        purpose_keys: purposeKeys ? JSON.stringify(purposeKeys) : null,
        ask_again_refused: rule.askAgainRefused,
        total: 0,
        reminder: input.reminder ?? true,
        started_by_id: input.actor?.id != null ? String(input.actor.id) : null,
        started_by_name: input.actor?.name ?? null,
        created_at: now,
        updated_at: now,
      });
      const template = getService(strapi, 'requests').newRow({
        documentId: '',
        subject: '',
        kind: 'consent',
        purposeKeys,
        actor: input.actor,
        campaign: documentId,
        now,
      });
      const superseded = {
        status: 'cancelled',
        reason: `superseded by campaign ${documentId}`,
        updated_at: now,
      };
      // The audience's open requests are superseded by this campaign: before the insert
      // (nothing of this campaign to skip), except for the "pending" audience, which is
      // defined by those very requests. Also those of a client with nothing left to ask:
      // an open request of theirs can only ask what they have decided since.
      const pendingAudience = 'state' in input.audience && input.audience.state === 'pending';
      if (!pendingAudience)
        await supersedeAudience(
          trx,
          this.audienceQuery(trx, input.audience, fingerprint),
          superseded
        );
      const total = await queueAudience(
        trx,
        dialect,
        documentId,
        this.audienceQuery(trx, input.audience, fingerprint),
        rule,
        template
      );
      if (pendingAudience) await supersedeOthersOfCampaign(trx, documentId, superseded);
      await updateCampaign(trx, documentId, { total });
      onCommit(() => getService(strapi, 'worker').wake());
    });
    await analyzeRequests(strapi.db.connection, dialect);
    return this.findOne(documentId);
  },

  async findOne(documentId: string): Promise<CampaignRow & { counts: Record<string, number> }> {
    const row = await campaignByDocumentId(strapi.db.connection, documentId);
    if (!row) throw new errors.NotFoundError('Campaign not found', { campaign: documentId });
    return {
      ...fromColumns<CampaignRow>(strapi, UID.campaign, row),
      counts: await this.counts(documentId),
    };
  },

  /** Requests per status (one indexed GROUP BY). */
  async counts(documentId: string): Promise<Record<RequestStatus, number>> {
    const rows = await requestsPerStatus(strapi.db.connection, documentId);
    const counts = {
      queued: 0,
      sent: 0,
      approved: 0,
      declined: 0,
      expired: 0,
      failed: 0,
      cancelled: 0,
    } as Record<RequestStatus, number>;
    for (const r of rows) counts[r.status as RequestStatus] = Number(r.n);
    return counts;
  },

  async list(): Promise<CampaignRow[]> {
    const rows = await listCampaigns(strapi.db.connection, 200);
    return rows.map((r) => fromColumns<CampaignRow>(strapi, UID.campaign, r));
  },

  /** pause: queued rows are held (not claimed); resume: released; cancel: queued rows cancelled. */
  async transition(documentId: string, action: 'pause' | 'resume' | 'cancel') {
    const campaign = await this.findOne(documentId);
    const allowed = { pause: ['running'], resume: ['paused'], cancel: ['running', 'paused'] }[
      action
    ];
    if (!allowed.includes(campaign.status)) {
      throw new errors.ApplicationError(
        `A ${campaign.status} campaign cannot be ${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'}`
      );
    }
    const now = getService(strapi, 'clock').now();
    await transaction(strapi, async ({ trx, onCommit }) => {
      if (action === 'pause')
        await updateQueuedOfCampaign(trx, documentId, { held: true, updated_at: now });
      if (action === 'resume')
        await updateQueuedOfCampaign(trx, documentId, { held: false, updated_at: now });
      if (action === 'cancel')
        await updateQueuedOfCampaign(trx, documentId, {
          status: 'cancelled',
          held: false,
          reason: 'campaign cancelled',
          updated_at: now,
        });
      const status = { pause: 'paused', resume: 'running', cancel: 'cancelled' }[action];
      await updateCampaign(trx, documentId, {
        status,
        updated_at: now,
        ...(action === 'cancel' ? { finished_at: now } : {}),
      });
      if (action === 'resume') onCommit(() => getService(strapi, 'worker').wake());
    });
    return this.findOne(documentId);
  },

  /** Running campaigns with nothing left to send are completed (idempotent, any instance). */
  async completeFinished(): Promise<void> {
    const now = getService(strapi, 'clock').now();
    await completeFinished(strapi.db.connection, now);
  },
});

export default campaigns;
