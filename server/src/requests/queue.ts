import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import { fromColumns } from '../utils/rows';
import type { RequestRow } from '../types';
import { transaction } from '../utils/transaction';
import { claimRequests, releaseLeases, settleLeases, type ClaimKind } from './queries';

export type { ClaimKind } from './queries';

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
  | 'createdAt'
>;
/** Claimed rows, and the purposes' version read with them (null when none is known). */
export interface Claimed {
  rows: ClaimedRow[];
  purposesVersion: string | null;
}
const VERSION_COLUMN = 'consent_purposes_version';

/**
 * Claims on consent_requests rows with leases. A claim sets lease_owner and
 * lease_until on rows nobody holds (or whose holder's lease ran out: that
 * instance died), so several instances on one database never work on the same
 * row at once, and a dead instance's rows are picked up when its lease ends.
 * PostgreSQL and MySQL/MariaDB skip rows another claim has locked (FOR UPDATE
 * SKIP LOCKED); SQLite has one writer at a time.
 */
const queue = ({ strapi }: { strapi: Core.Strapi }) => ({
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
    const rows = await claimRequests(
      strapi.db.connection,
      dialectOf(strapi),
      (work) => transaction(strapi, ({ trx }) => work(trx)),
      {
        kind,
        owner,
        limit,
        now,
        leaseUntil,
        extraSql: `${getService(strapi, 'purposes').versionSql()} AS ${VERSION_COLUMN}`,
      }
    );
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
    return releaseLeases(strapi.db.connection, { ids, owner, now });
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
    return settleLeases(strapi.db.connection, ids, owner, expectStatus, data);
  },
});

export default queue;
