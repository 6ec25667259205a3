/**
 * The send queue's claims on consent_requests rows (requests/queue.ts says what a claim is):
 * one statement on PostgreSQL, a short transaction elsewhere.
 */
import type { Knex } from 'knex';
import { TABLE } from '../../constants';
import type { Dialect } from '../../utils/dialect';

/** What a claim is for: a first send (or a retry), or the reminder of a sent request. */
export type ClaimKind = 'send' | 'remind';

/** The columns a claim returns (what a sender reads of a row: a claim returns up to a batch). */
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
  'created_at',
];

/** The ids of the rows due for `kind` that nobody holds (or whose holder's lease ran out). */
export const dueRequests = (db: Knex, kind: ClaimKind, now: Date): Knex.QueryBuilder => {
  const query = db(TABLE.request)
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
};

/**
 * Lease up to `limit` due rows to `owner` until `leaseUntil` (a first send counts an
 * attempt) and return them, with `extraSql` (a column expression read in the same statement).
 * PostgreSQL: one statement, atomic on its own, with no transaction around it (BEGIN and
 * COMMIT were two more round trips per batch); `transaction` runs the other databases' steps.
 */
export const claimRequests = async (
  db: Knex,
  dialect: Dialect,
  transaction: <T>(work: (trx: Knex.Transaction) => Promise<T>) => Promise<T>,
  {
    kind,
    owner,
    limit,
    now,
    leaseUntil,
    extraSql,
  }: {
    kind: ClaimKind;
    owner: string;
    limit: number;
    now: Date;
    leaseUntil: Date;
    /** A column expression read in the same statement (`<sql> AS <name>`). */
    extraSql: string;
  }
): Promise<Record<string, unknown>[]> => {
  const lease = (knex: Knex) => ({
    lease_owner: owner,
    lease_until: leaseUntil,
    ...(kind === 'send' ? { attempts: knex.raw('attempts + 1') } : {}),
    updated_at: now,
  });
  const extra = db.raw(extraSql);
  if (dialect === 'postgres') {
    return db(TABLE.request)
      .whereIn('id', dueRequests(db, kind, now).limit(limit).forUpdate().skipLocked())
      .update(lease(db))
      .returning([...CLAIMED_COLUMNS, extra]);
  }
  return transaction(async (trx) => {
    const due = dueRequests(trx, kind, now).limit(limit);
    if (dialect === 'mysql') due.forUpdate().skipLocked();
    const ids = (await due).map((r: { id: number }) => r.id);
    if (ids.length === 0) return [];
    await trx(TABLE.request).whereIn('id', ids).update(lease(trx));
    return trx(TABLE.request)
      .whereIn('id', ids)
      .orderBy('id')
      .select([...CLAIMED_COLUMNS, extra]);
  });
};

/** End `owner`'s lease on these rows, changing nothing else; how many it held. */
export const releaseLeases = async (
  db: Knex,
  { ids, owner, now }: { ids: number[]; owner: string; now: Date }
): Promise<number> => {
  let released = 0;
  // In chunks: a pass may hold a few thousand rows, and SQLite limits bound parameters.
  for (let i = 0; i < ids.length; i += 500) {
    released += Number(
      await db(TABLE.request)
        .whereIn('id', ids.slice(i, i + 500))
        .where('lease_owner', owner)
        .update({ lease_owner: null, lease_until: now })
    );
  }
  return released;
};

/** Update the rows `owner` still holds in status `expectStatus`, ending the lease; how many. */
export const settleLeases = async (
  db: Knex,
  ids: number[],
  owner: string,
  expectStatus: string,
  data: Record<string, unknown>
): Promise<number> =>
  Number(
    await db(TABLE.request)
      .whereIn('id', ids)
      .where('lease_owner', owner)
      .where('status', expectStatus)
      .update({ ...data, lease_owner: null, lease_until: null })
  );
