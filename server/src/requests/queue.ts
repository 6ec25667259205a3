import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TABLE, UID } from '../constants';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import { fromColumns } from '../utils/rows';
import type { RequestRow } from '../types';
import { transaction } from '../utils/transaction';

/** What a sender reads of a claimed row (the rest is never parsed: a claim returns up to a batch of rows). */
export type ClaimedRow = Pick<
  RequestRow,
  | 'id'
  | 'documentId'
  | 'subject'
  | 'kind'
  | 'purposeKeys'
  | 'origin'
  | 'campaign'
  | 'attempts'
  | 'expiresAt'
>;
const CLAIMED_COLUMNS = [
  'id',
  'document_id',
  'subject',
  'kind',
  'purpose_keys',
  'origin',
  'campaign',
  'attempts',
  'expires_at',
];

/** Claimed rows, and the purposes' version read with them (null when none is known). */
export interface Claimed {
  rows: ClaimedRow[];
  purposesVersion: string | null;
}
const VERSION_COLUMN = 'consent_purposes_version';

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
  due(trx: Knex, kind: ClaimKind, now: Date) {
    const query = trx(TABLE.request)
      .select('id')
      .where('held', false)
      .where((w) => w.whereNull('lease_until').orWhere('lease_until', '<', now));
    if (kind === 'send')
      query
        .where('status', 'queued')
        .where('next_attempt_at', '<=', now)
        .orderBy(['next_attempt_at', 'id']);
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

  /**
   * Claim up to `limit` due rows for `owner` until `leaseUntil`; a first send counts an
   * attempt. With the rows comes the purposes' version (purposes.versionSql()), read in
   * the same statement, so the sender re-uses the purposes and texts it read for an
   * earlier batch while they are unchanged (purposes.listAt()).
   */
  async claim(
    kind: ClaimKind,
    owner: string,
    limit: number,
    now: Date,
    leaseUntil: Date
  ): Promise<Claimed> {
    const dialect = dialectOf(strapi);
    const lease = (db: Knex) => ({
      lease_owner: owner,
      lease_until: leaseUntil,
      ...(kind === 'send' ? { attempts: db.raw('attempts + 1') } : {}),
      updated_at: now,
    });
    const version = () =>
      strapi.db.connection.raw(
        `${getService(strapi, 'purposes').versionSql()} AS ${VERSION_COLUMN}`
      );
    let rows: Record<string, unknown>[];
    if (dialect === 'postgres') {
      // One statement, atomic on its own: no transaction around it (BEGIN and COMMIT were two more round trips per batch).
      const db = strapi.db.connection;
      rows = await db(TABLE.request)
        .whereIn('id', this.due(db, kind, now).limit(limit).forUpdate().skipLocked())
        .update(lease(db))
        .returning([...CLAIMED_COLUMNS, version()]);
    } else {
      rows = await transaction(strapi, async ({ trx }) => {
        const due = this.due(trx, kind, now).limit(limit);
        if (dialect === 'mysql') due.forUpdate().skipLocked();
        const ids = (await due).map((r: { id: number }) => r.id);
        if (ids.length === 0) return [];
        await trx(TABLE.request).whereIn('id', ids).update(lease(trx));
        return trx(TABLE.request)
          .whereIn('id', ids)
          .orderBy('id')
          .select([...CLAIMED_COLUMNS, version()]);
      });
    }
    return {
      rows: rows.map((row) => fromColumns<ClaimedRow>(strapi, UID.request, row)),
      purposesVersion: (rows[0]?.[VERSION_COLUMN] as string | null | undefined) ?? null,
    };
  },

  /**
   * End this owner's lease on rows it holds without changing anything else: a pass
   * that failed (or a shutdown that stopped waiting) hands its unsent rows back at
   * once instead of making them wait out the lease. Their attempt stays counted.
   */
  async release(ids: number[], owner: string, now: Date): Promise<number> {
    let released = 0;
    // In chunks: a pass may hold a few thousand rows, and SQLite limits bound parameters.
    for (let i = 0; i < ids.length; i += 500) {
      released += Number(
        await strapi.db
          .connection(TABLE.request)
          .whereIn('id', ids.slice(i, i + 500))
          .where('lease_owner', owner)
          .update({ lease_owner: null, lease_until: now })
      );
    }
    return released;
  },

  /**
   * Update rows this owner still holds and end the lease. The status check makes a
   * cancellation (or supersession) that happened during the send win.
   */
  async settle(
    ids: number[],
    owner: string,
    expectStatus: string,
    data: Record<string, unknown>
  ): Promise<number> {
    if (ids.length === 0) return 0;
    return Number(
      await strapi.db
        .connection(TABLE.request)
        .whereIn('id', ids)
        .where('lease_owner', owner)
        .where('status', expectStatus)
        .update({ ...data, lease_owner: null, lease_until: null })
    );
  },
});

export default queue;
