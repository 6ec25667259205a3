import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TABLE, UID } from '../constants';
import { dialectOf } from '../utils/dialect';
import { fromColumns } from '../utils/rows';
import type { RequestRow } from './types';

/** What a sender reads of a claimed row (the rest is never parsed: a claim returns up to a batch of rows). */
export type ClaimedRow = Pick<RequestRow, 'id' | 'documentId' | 'subject' | 'kind' | 'purposeKeys' | 'campaign' | 'attempts' | 'expiresAt'>;
const CLAIMED_COLUMNS = ['id', 'document_id', 'subject', 'kind', 'purpose_keys', 'campaign', 'attempts', 'expires_at'];

/** What a claim is for: a first send (or a retry), or the reminder of a sent request. */
export type ClaimKind = 'send' | 'remind';

/**
 * Claims on consent_requests rows with leases. A claim sets lease_owner and
 * lease_until on rows nobody holds (or whose holder's lease ran out: that
 * instance died), so several instances on one database never work on the same
 * row at once, and a dead instance's rows are picked up when its lease ends.
 * PostgreSQL and MySQL/MariaDB skip rows another claim has locked (FOR UPDATE
 * SKIP LOCKED); SQLite has one writer at a time.
 */
const queue = ({ strapi }: { strapi: Core.Strapi }) => ({
  due(trx: Knex.Transaction | Knex, kind: ClaimKind, now: Date) {
    const query = trx(TABLE.request)
      .select('id')
      .where('held', false)
      .where((w) => w.whereNull('lease_until').orWhere('lease_until', '<', now));
    if (kind === 'send') query.where('status', 'queued').where('next_attempt_at', '<=', now).orderBy(['next_attempt_at', 'id']);
    else
      query
        .where('status', 'sent')
        .where('kind', 'consent')
        .whereNull('reminder_sent_at')
        .where('reminder_at', '<=', now)
        .where('expires_at', '>', now)
        .orderBy(['reminder_at', 'id']);
    return query;
  },

  /** Claim up to `limit` due rows for `owner` until `leaseUntil`; a first send counts an attempt. */
  async claim(kind: ClaimKind, owner: string, limit: number, now: Date, leaseUntil: Date): Promise<ClaimedRow[]> {
    const dialect = dialectOf(strapi);
    const lease = (trx: Knex.Transaction) => ({
      lease_owner: owner,
      lease_until: leaseUntil,
      ...(kind === 'send' ? { attempts: trx.raw('attempts + 1') } : {}),
      updated_at: now,
    });
    const rows = await strapi.db.transaction(async ({ trx }) => {
      if (dialect === 'postgres') {
        return trx(TABLE.request)
          .whereIn('id', this.due(trx, kind, now).limit(limit).forUpdate().skipLocked())
          .update(lease(trx))
          .returning(CLAIMED_COLUMNS);
      }
      const due = this.due(trx, kind, now).limit(limit);
      if (dialect === 'mysql') due.forUpdate().skipLocked();
      const ids = (await due).map((r: { id: number }) => r.id);
      if (ids.length === 0) return [];
      await trx(TABLE.request).whereIn('id', ids).update(lease(trx));
      return trx(TABLE.request).whereIn('id', ids).orderBy('id').select(CLAIMED_COLUMNS);
    });
    return (rows as Record<string, unknown>[]).map((row) => fromColumns<ClaimedRow>(strapi, UID.request, row));
  },

  /**
   * Update rows this owner still holds and end the lease. The status check makes a
   * cancellation (or supersession) that happened during the send win.
   */
  async settle(ids: number[], owner: string, expectStatus: string, data: Record<string, unknown>): Promise<number> {
    if (ids.length === 0) return 0;
    return Number(
      await strapi.db
        .connection(TABLE.request)
        .whereIn('id', ids)
        .where('lease_owner', owner)
        .where('status', expectStatus)
        .update({ ...data, lease_owner: null, lease_until: null }),
    );
  },
});

export default queue;
