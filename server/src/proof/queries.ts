/**
 * The proof module's SQL: the chain backfill's updates, the checkpoints and their leaves,
 * the reads of verify and receipts. The services decide what to seal, chain or report.
 */
import type { Knex } from 'knex';
import { TABLE } from '../constants';
import type { Dialect } from '../utils/dialect';

type Db = Knex | Knex.Transaction;
type Row = Record<string, unknown>;

/** The columns of a checkpoint row that its API and verify read. */
const CHECKPOINT_COLUMNS = [
  'id',
  'seq',
  'sealed_at',
  'leaf_count',
  'root',
  'previous_hash',
  'hash',
];

/**
 * `CASE <key> WHEN ? THEN ? ... END` over `rows`: one UPDATE gives each row its own value.
 * Untyped bindings in a CASE are text on PostgreSQL: `integer` casts the values.
 */
const caseOf = <T>(
  db: Db,
  dialect: Dialect,
  key: string,
  rows: T[],
  pick: (row: T) => [string | number, string | number],
  integer = false
): Knex.Raw => {
  const value = !integer ? '?' : dialect === 'mysql' ? 'CAST(? AS SIGNED)' : 'CAST(? AS INTEGER)';
  return db.raw(
    `CASE ${key} ${rows.map(() => `WHEN ? THEN ${value}`).join(' ')} END`,
    rows.flatMap(pick)
  );
};

/** A keyset page in subject order: the rows after `after`, at most `limit`. */
const pageBySubject = async (
  query: Knex.QueryBuilder,
  after: string | null,
  limit: number,
  column = 'subject'
): Promise<Row[]> => {
  query.orderBy(column).limit(limit);
  if (after !== null) query.where(column, '>', after);
  return (await query) as Row[];
};

// The chain backfill (proof.ts).

/** Summaries with events but no chain head yet, by subject after `after`. */
export const unchainedSummaries = async (
  db: Db,
  after: string | null,
  limit: number
): Promise<{ id: number; subject: string }[]> => {
  return (await pageBySubject(
    db(TABLE.subject).select('id', 'subject').whereNull('chain_seq').whereNotNull('last_event_id'),
    after,
    limit
  )) as { id: number; subject: string }[];
};

/** Every event of these subjects, in id order (every column: the chain input reads several). */
export const eventsOfSubjects = async (db: Db, subjects: string[]): Promise<Row[]> =>
  (await db(TABLE.event).select('*').whereIn('subject', subjects).orderBy('id')) as Row[];

/** Each event's chain columns, in one statement for the lot. */
export const setEventChains = async (
  trx: Db,
  dialect: Dialect,
  updates: {
    id: number;
    chainSeq: number;
    prevHash: string;
    evidenceDigest: string;
    hash: string;
  }[]
): Promise<void> => {
  const by = (pick: (u: (typeof updates)[number]) => string | number, integer = false) =>
    caseOf(trx, dialect, 'id', updates, (u) => [u.id, pick(u)], integer);
  await trx(TABLE.event)
    .whereIn(
      'id',
      updates.map((u) => u.id)
    )
    .update({
      chain_seq: by((u) => u.chainSeq, true),
      prev_hash: by((u) => u.prevHash),
      evidence_digest: by((u) => u.evidenceDigest),
      hash: by((u) => u.hash),
    });
};

/** Each summary's chain head, where it has none yet, in one statement for the lot. */
export const setChainHeads = async (
  trx: Db,
  dialect: Dialect,
  heads: { id: number; seq: number; head: string }[]
): Promise<void> => {
  await trx(TABLE.subject)
    .whereIn(
      'id',
      heads.map((h) => h.id)
    )
    .whereNull('chain_seq')
    .update({
      chain_seq: caseOf(trx, dialect, 'id', heads, (h) => [h.id, h.seq], true),
      chain_head: caseOf(trx, dialect, 'id', heads, (h) => [h.id, h.head]),
    });
};

// Checkpoints (checkpoints.ts).

export const lastCheckpoint = async (trx: Db): Promise<{ seq: number; hash: string } | undefined> =>
  (await trx(TABLE.checkpoint).orderBy('seq', 'desc').first('seq', 'hash')) as
    | { seq: number; hash: string }
    | undefined;

/** Insert a checkpoint row; its id. */
export const insertCheckpoint = async (
  trx: Knex.Transaction,
  dialect: Dialect,
  row: Row
): Promise<number> => {
  if (dialect === 'mysql') {
    const [id] = (await trx(TABLE.checkpoint).insert(row)) as number[];
    return Number(id);
  }
  const [inserted] = (await trx(TABLE.checkpoint).insert(row).returning('id')) as (
    | { id: number }
    | number
  )[];
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
};

export const updateCheckpoint = async (trx: Db, id: number, data: Row): Promise<void> => {
  await trx(TABLE.checkpoint).where('id', id).update(data);
};

/**
 * Chain heads that moved since they were last sealed, by subject after `after`. sealed_seq
 * is moved after the commit; until then the leaves just committed tell that a head is sealed
 * already (one probe of the leaves' (subject, chain_seq) index).
 */
export const unsealedHeads = async (
  trx: Db,
  after: string | null,
  limit: number
): Promise<{ subject: string; chain_seq: number | string; chain_head: string }[]> => {
  const heads = trx({ s: TABLE.subject })
    .select('s.subject', 's.chain_seq', 's.chain_head')
    .whereRaw('s.chain_seq > COALESCE(s.sealed_seq, 0)')
    .whereNotExists(function sealedAlready() {
      this.select(trx.raw('1'))
        .from({ l: TABLE.checkpointLeaf })
        .whereRaw('l.subject = s.subject AND l.chain_seq = s.chain_seq');
    });
  return (await pageBySubject(heads, after, limit, 's.subject')) as {
    subject: string;
    chain_seq: number | string;
    chain_head: string;
  }[];
};

export const insertLeaves = async (trx: Db, rows: Row[]): Promise<void> => {
  await trx(TABLE.checkpointLeaf).insert(rows);
};

/** A checkpoint's leaves (the columns asked for), by subject after `after`. */
export const leavesOfCheckpoint = (
  db: Db,
  checkpoint: number,
  columns: string[],
  after: string | null,
  limit: number
): Promise<Row[]> =>
  pageBySubject(
    db(TABLE.checkpointLeaf).select(columns).where('checkpoint', checkpoint),
    after,
    limit
  );

/** The summaries' sealed_seq, each its leaf's chain_seq, in one statement. */
export const setSealedSeq = async (
  db: Db,
  dialect: Dialect,
  leaves: { subject: string; chain_seq: number }[]
): Promise<void> => {
  await db(TABLE.subject)
    .whereIn(
      'subject',
      leaves.map((l) => l.subject)
    )
    .update({
      sealed_seq: caseOf(
        db,
        dialect,
        'subject',
        leaves,
        (l) => [l.subject, Number(l.chain_seq)],
        true
      ),
    });
};

/** Sealed checkpoints, newest first, before seq `before`. */
export const sealedCheckpoints = async (
  db: Db,
  before: number | undefined,
  limit: number
): Promise<Row[]> => {
  const query = db(TABLE.checkpoint)
    .select(CHECKPOINT_COLUMNS)
    .whereNotNull('hash')
    .orderBy('seq', 'desc')
    .limit(limit);
  if (before) query.where('seq', '<', before);
  return (await query) as Row[];
};

/** Checkpoints in seq order after `afterSeq` (sealed or not: verify reads them all). */
export const checkpointsAfter = async (db: Db, afterSeq: number, limit: number): Promise<Row[]> =>
  (await db(TABLE.checkpoint)
    .select(CHECKPOINT_COLUMNS)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)) as Row[];

export const lastSealedAt = async (db: Db): Promise<unknown> =>
  ((await db(TABLE.checkpoint).max({ at: 'sealed_at' }).first()) as { at: unknown } | undefined)
    ?.at;

// Verify (proof-verify.ts) and receipts.

/** Summaries' chain heads, by subject after `after`. */
export const chainHeads = (db: Db, after: string | null, limit: number): Promise<Row[]> =>
  pageBySubject(db(TABLE.subject).select('subject', 'chain_seq', 'chain_head'), after, limit);

/** These subjects' events, the columns asked for. */
export const eventColumnsOfSubjects = async (
  db: Db,
  columns: string[],
  subjects: string[]
): Promise<Row[]> => (await db(TABLE.event).select(columns).whereIn('subject', subjects)) as Row[];

/** The leaves that sealed these subjects' heads. */
export const leavesOfSubjects = async (db: Db, subjects: string[]): Promise<Row[]> =>
  (await db(TABLE.checkpointLeaf)
    .select('checkpoint', 'subject', 'chain_seq', 'head')
    .whereIn('subject', subjects)) as Row[];

export const countRows = async (db: Db, table: string): Promise<number> =>
  Number(((await db(table).count({ n: '*' }).first()) as { n: number | string }).n);

/** A row of `table` whose subject has no summary row (no chain to reach it from). */
export const firstOrphan = async (
  db: Db,
  table: string,
  columns: string[]
): Promise<Row | undefined> =>
  (await db({ o: table })
    .leftJoin({ s: TABLE.subject }, 's.subject', 'o.subject')
    .whereNull('s.id')
    .first(...columns.map((c) => `o.${c}`))) as Row | undefined;

/**
 * `pass` on one snapshot where the database gives one cheaply (REPEATABLE READ), so rows
 * written meanwhile neither break a chain half-read nor the totals. SQLite has a single
 * connection in Strapi: a long transaction there would stall the app.
 */
export const inSnapshot = async (
  knex: Knex,
  dialect: Dialect,
  pass: (db: Db) => Promise<void>
): Promise<void> => {
  if (dialect === 'sqlite') await pass(knex);
  else
    await knex.transaction((trx) => pass(trx), {
      isolationLevel: 'repeatable read',
    } as Knex.TransactionConfig);
};

/** Events by id, every column (the chain's too). */
export const eventsById = async (db: Db, ids: number[]): Promise<Row[]> =>
  (await db(TABLE.event).whereIn('id', ids).select('*')) as Row[];
