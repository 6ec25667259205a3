import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { errors } from '../utils/strapi-errors';
import { TABLE, UID } from '../constants';
import { dialectOf, randomDocumentIdSql } from '../utils/dialect';
import { newDocumentId } from '../utils/document-id';
import { fromColumns } from '../utils/rows';
import { getService } from '../utils/get-service';
import { OPEN_STATUSES } from './requests';
import type { Actor, Audience, CampaignRow, RequestStatus } from '../types';
import { transaction } from '../utils/transaction';

export type { Audience } from '../types';

export interface NewCampaign {
  name: string;
  audience: Audience;
  purposes?: string[] | null;
  reminder?: boolean;
  actor?: Actor | null;
}

/**
 * Campaigns: one consent request per client of an audience ("every client
 * without valid consent", or a selection), queued by one set-based INSERT ...
 * SELECT; the worker sends them like any request. Pause holds the queued rows,
 * resume releases them, cancel cancels them.
 */
const campaigns = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The audience's client document ids as a subquery (never loaded into memory). */
  audienceQuery(trx: Knex.Transaction, audience: Audience, fingerprint: string) {
    const clients = getService(strapi, 'clients');
    if ('subjects' in audience) {
      const host = clients.host();
      const query = trx({ c: host.table }).distinct('c.document_id');
      if (host.draftAndPublish) query.whereNull('c.published_at');
      return query.whereIn('c.document_id', audience.subjects);
    }
    const filter =
      'state' in audience
        ? { state: audience.state, q: audience.q }
        : { state: 'invalid' as const };
    return clients.documentIdsQuery(trx, filter, fingerprint);
  },

  async create(input: NewCampaign): Promise<CampaignRow & { counts: Record<string, number> }> {
    const purposeKeys = await getService(strapi, 'requests').assertAskable(input.purposes);
    const now = getService(strapi, 'clock').now();
    const documentId = newDocumentId();
    const fingerprint = await getService(strapi, 'states').currentFingerprint();
    const dialect = dialectOf(strapi);
    await transaction(strapi, async ({ trx, onCommit }) => {
      await trx(TABLE.campaign).insert({
        document_id: documentId,
        name: input.name,
        status: 'running',
        audience: JSON.stringify(input.audience),
        purpose_keys: purposeKeys ? JSON.stringify(purposeKeys) : null,
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
      const columns = Object.keys(template).filter((c) => c !== 'document_id' && c !== 'subject');
      const supersede = trx(TABLE.request)
        .where('kind', 'consent')
        .whereIn('status', [...OPEN_STATUSES]);
      const superseded = {
        status: 'cancelled',
        reason: `superseded by campaign ${documentId}`,
        updated_at: now,
      };
      // The audience's open requests are superseded by this campaign's: before the insert
      // (nothing of this campaign to skip), except for the "pending" audience, which is
      // defined by those very requests.
      const pendingAudience = 'state' in input.audience && input.audience.state === 'pending';
      if (!pendingAudience) {
        await supersede
          .clone()
          .whereIn('subject', this.audienceQuery(trx, input.audience, fingerprint))
          .update(superseded);
      }
      const audience = this.audienceQuery(trx, input.audience, fingerprint).as('a');
      const inserted = (await trx.raw(
        `INSERT INTO ${TABLE.request} (document_id, subject, ${columns.join(', ')}) SELECT ${randomDocumentIdSql(dialect)}, a.document_id, ${columns.map(() => '?').join(', ')} FROM ?`,
        [...columns.map((c) => template[c]), audience]
      )) as { rowCount?: number };
      if (pendingAudience) {
        // The derived table lets MySQL/MariaDB read the table the statement updates.
        await supersede
          .where((w: Knex.QueryBuilder) =>
            w.whereNull('campaign').orWhere('campaign', '<>', documentId)
          )
          .whereIn(
            'subject',
            trx
              .select('x.subject')
              .from(trx(TABLE.request).select('subject').where('campaign', documentId).as('x'))
          )
          .update(superseded);
      }
      // PostgreSQL reports the rows inserted; elsewhere count them (campaign index).
      const total =
        dialect === 'postgres' && typeof inserted.rowCount === 'number'
          ? inserted.rowCount
          : Number(
              (
                (await trx(TABLE.request).where('campaign', documentId).count({ total: '*' })) as {
                  total: number | string;
                }[]
              )[0].total
            );
      await trx(TABLE.campaign).where('document_id', documentId).update({ total });
      onCommit(() => getService(strapi, 'worker').wake());
    });
    // A campaign can add a large share of the table at once, and autovacuum analyzes it
    // late: with stale statistics the planner takes the settle's id list for a scan of
    // the status index. Fresh statistics keep the claim and settle on their indexes.
    if (dialect === 'postgres') await strapi.db.connection.raw(`ANALYZE ${TABLE.request}`);
    return this.findOne(documentId);
  },

  async findOne(documentId: string): Promise<CampaignRow & { counts: Record<string, number> }> {
    const row = await strapi.db.connection(TABLE.campaign).where('document_id', documentId).first();
    if (!row) throw new errors.NotFoundError('Campaign not found', { campaign: documentId });
    return {
      ...fromColumns<CampaignRow>(strapi, UID.campaign, row),
      counts: await this.counts(documentId),
    };
  },

  /** Requests per status (one indexed GROUP BY). */
  async counts(documentId: string): Promise<Record<RequestStatus, number>> {
    const rows = await strapi.db
      .connection(TABLE.request)
      .where('campaign', documentId)
      .groupBy('status')
      .select('status')
      .count({ n: '*' });
    const counts = {
      queued: 0,
      sent: 0,
      approved: 0,
      declined: 0,
      expired: 0,
      failed: 0,
      cancelled: 0,
    } as Record<RequestStatus, number>;
    for (const r of rows as { status: RequestStatus; n: number | string }[])
      counts[r.status] = Number(r.n);
    return counts;
  },

  async list(): Promise<CampaignRow[]> {
    const rows = await strapi.db.connection(TABLE.campaign).orderBy('id', 'desc').limit(200);
    return rows.map((r: Record<string, unknown>) =>
      fromColumns<CampaignRow>(strapi, UID.campaign, r)
    );
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
      const queued = trx(TABLE.request).where('campaign', documentId).where('status', 'queued');
      if (action === 'pause') await queued.update({ held: true, updated_at: now });
      if (action === 'resume') await queued.update({ held: false, updated_at: now });
      if (action === 'cancel')
        await queued.update({
          status: 'cancelled',
          held: false,
          reason: 'campaign cancelled',
          updated_at: now,
        });
      const status = { pause: 'paused', resume: 'running', cancel: 'cancelled' }[action];
      await trx(TABLE.campaign)
        .where('document_id', documentId)
        .update({ status, updated_at: now, ...(action === 'cancel' ? { finished_at: now } : {}) });
      if (action === 'resume') onCommit(() => getService(strapi, 'worker').wake());
    });
    return this.findOne(documentId);
  },

  /** Running campaigns with nothing left to send are completed (idempotent, any instance). */
  async completeFinished(): Promise<void> {
    const now = getService(strapi, 'clock').now();
    await strapi.db
      .connection(TABLE.campaign)
      .where('status', 'running')
      .whereNotExists(function () {
        this.select(1)
          .from(TABLE.request)
          .whereRaw(`${TABLE.request}.campaign = ${TABLE.campaign}.document_id`)
          .where(`${TABLE.request}.status`, 'queued');
      })
      .update({ status: 'completed', finished_at: now, updated_at: now });
  },
});

export default campaigns;
