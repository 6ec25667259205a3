/**
 * The rights module's SQL: who is inactive (retention), the retention runs' claims and
 * progress, what an erasure counts, redacts and cancels, and the import's client lookups.
 */
import type { Knex } from 'knex';
import { TABLE } from '../constants';
import { supportsRowLocks, type Dialect } from '../utils/dialect';

type Db = Knex | Knex.Transaction;

/** A type related to clients (a booking) through a join table, with the column that dates its activity. */
export interface RelatedActivity {
  joinTable: string;
  ownerColumn: string;
  subjectColumn: string;
  table: string;
  activityColumn: string;
}

/** Where the clients are: their table and the columns retention reads. */
export interface ClientTable {
  table: string;
  createdAtColumn: string;
  nameColumn: string | null;
}

// Retention.

/** Whom the retention rule looks at: the client table, its related types, the cutoff. */
export interface InactiveRule {
  client: ClientTable;
  related: RelatedActivity[];
  cutoff: Date;
}

/** A keyset page by client row id. */
interface Page {
  after: number;
  limit: number;
}

/**
 * The clients (alias c) inactive at `cutoff`: created before it, not erased, no consent
 * decision since and no related record active since. NOT EXISTS subqueries on indexed columns.
 */
export const inactiveClients = (
  knex: Knex,
  { client, related, cutoff }: InactiveRule
): Knex.QueryBuilder => {
  const query = knex({ c: client.table })
    .where(`c.${client.createdAtColumn}`, '<', cutoff)
    .whereNotExists(
      knex({ e: TABLE.erasure })
        .select(knex.raw('1'))
        .whereRaw('?? = ??', ['e.subject', 'c.document_id'])
    )
    .whereNotExists(
      knex({ s: TABLE.subject })
        .select(knex.raw('1'))
        .whereRaw('?? = ??', ['s.subject', 'c.document_id'])
        .where('s.last_decision_at', '>=', cutoff)
    );
  related.forEach((type, i) => {
    const [l, r] = [`l${i}`, `r${i}`];
    query.whereNotExists(
      knex({ [l]: type.joinTable })
        .join({ [r]: type.table }, `${r}.id`, `${l}.${type.ownerColumn}`)
        .select(knex.raw('1'))
        .whereRaw('?? = ??', [`${l}.${type.subjectColumn}`, 'c.id'])
        .where(`${r}.${type.activityColumn}`, '>=', cutoff)
    );
  });
  return query;
};

/** A keyset page of inactive clients: after row id `after`, at most `limit`. */
const inactiveAfter = (knex: Knex, rule: InactiveRule, { after, limit }: Page): Knex.QueryBuilder =>
  inactiveClients(knex, rule).where('c.id', '>', after).orderBy('c.id').limit(limit);

export const countOf = async (query: Knex.QueryBuilder): Promise<number> => {
  const row = (await query.count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
};

/** The inactive clients after row id `after`, with what dates their last activity (`a<i>`: each related type's). */
export const inactivePage = async (
  knex: Knex,
  rule: InactiveRule,
  page: Page
): Promise<Record<string, unknown>[]> => {
  const { client, related } = rule;
  const query = inactiveAfter(knex, rule, page)
    .select({ id: 'c.id', documentId: 'c.document_id', createdAt: `c.${client.createdAtColumn}` })
    .select(
      knex({ s: TABLE.subject })
        .max('s.last_decision_at')
        .whereRaw('?? = ??', ['s.subject', 'c.document_id'])
        .as('lastDecisionAt')
    );
  if (client.nameColumn) query.select({ name: `c.${client.nameColumn}` });
  related.forEach((type, i) => {
    query.select(
      knex({ l: type.joinTable })
        .join({ r: type.table }, 'r.id', `l.${type.ownerColumn}`)
        .max(`r.${type.activityColumn}`)
        .whereRaw('?? = ??', [`l.${type.subjectColumn}`, 'c.id'])
        .as(`a${i}`)
    );
  });
  return (await query) as Record<string, unknown>[];
};

/** The inactive clients' ids and document ids after row id `after`. */
export const inactiveIds = async (
  knex: Knex,
  rule: InactiveRule,
  page: Page
): Promise<{ id: number; documentId: string }[]> =>
  (await inactiveAfter(knex, rule, page).select({
    id: 'c.id',
    documentId: 'c.document_id',
  })) as { id: number; documentId: string }[];

/** Update a retention run if its status is one of `statuses`; how many rows changed. */
export const updateRunIn = async (
  db: Db,
  id: number,
  statuses: string[],
  data: Record<string, unknown>
): Promise<number> =>
  Number(await db(TABLE.retentionRun).where('id', id).whereIn('status', statuses).update(data));

/**
 * Lease the oldest run in `statuses` nobody holds (or whose holder's lease ran out) to
 * `owner`, and mark it running; its id, or null.
 */
export const claimRun = async (
  trx: Knex.Transaction,
  dialect: Dialect,
  statuses: string[],
  owner: string,
  now: Date,
  until: Date
): Promise<number | null> => {
  const due = trx(TABLE.retentionRun)
    .select('id')
    .whereIn('status', statuses)
    .where((w: Knex.QueryBuilder) => w.whereNull('lease_until').orWhere('lease_until', '<', now))
    .orderBy('id')
    .limit(1);
  if (supportsRowLocks(dialect)) due.forUpdate().skipLocked();
  const [row] = (await due) as { id: number }[];
  if (!row) return null;
  await trx(TABLE.retentionRun)
    .where('id', row.id)
    .update({ status: 'running', lease_owner: owner, lease_until: until, updated_at: now });
  await trx(TABLE.retentionRun)
    .where('id', row.id)
    .whereNull('started_at')
    .update({ started_at: now });
  return row.id;
};

export const runLease = async (
  db: Db,
  id: number
): Promise<{ status: string; lease_owner: string | null }> =>
  (await db(TABLE.retentionRun).where('id', id).first('status', 'lease_owner')) as {
    status: string;
    lease_owner: string | null;
  };

/** Update a run that `owner` still holds. */
export const updateHeldRun = async (
  db: Db,
  id: number,
  owner: string,
  data: Record<string, unknown>
): Promise<void> => {
  await db(TABLE.retentionRun).where('id', id).where('lease_owner', owner).update(data);
};

/** The erasures a retention run made. */
export const erasuresOfRun = (db: Db, run: string): Promise<number> =>
  countOf(db(TABLE.erasure).where('retention_run', run));

// Erasure.

/** The rows of `table` whose subject is this client (with `where`, narrowed further). */
export const countOfSubject = (
  db: Db,
  table: string,
  subject: string,
  statuses?: string[]
): Promise<number> => {
  const query = db(table).where('subject', subject);
  if (statuses) query.whereIn('status', statuses);
  return countOf(query);
};

export const deleteBookingChecks = async (
  trx: Db,
  bookingUid: string,
  bookingIds: string[]
): Promise<void> => {
  await trx(TABLE.bookingCheck)
    .where('booking_uid', bookingUid)
    .whereIn('booking_id', bookingIds)
    .del();
};

/**
 * The client's consent events redacted (a raw UPDATE, past the append-only guard): the
 * personal columns to NULL, actor_name only when the actor was the client.
 */
export const redactEvents = async (
  trx: Db,
  subject: string,
  redaction: Record<string, unknown>
): Promise<void> => {
  await trx(TABLE.event).where('subject', subject).update(redaction);
  await trx(TABLE.event)
    .where('subject', subject)
    .where('actor_type', 'subject')
    .update({ actor_name: null });
};

/**
 * The client's summary row (held locked by the erasure: ledger.lockSummary) is stamped: the
 * lists, counts and campaigns leave the client out, and the ledger records nothing more for them.
 */
export const markSummaryErased = async (trx: Db, subject: string, now: Date): Promise<void> => {
  await trx(TABLE.subject).where('subject', subject).update({ erased_at: now, updated_at: now });
};

/** The client's requests lose their free text; the open ones are cancelled; its tokens go. */
export const eraseRequests = async (
  trx: Db,
  subject: string,
  openStatuses: string[],
  now: Date
): Promise<void> => {
  await trx(TABLE.request)
    .where('subject', subject)
    .whereNotNull('reason')
    .update({ reason: null });
  await trx(TABLE.request).where('subject', subject).whereIn('status', openStatuses).update({
    status: 'cancelled',
    reason: 'client erased',
    lease_owner: null,
    lease_until: null,
    updated_at: now,
  });
  await trx(TABLE.token).where('subject', subject).del();
};

// Import.

/** Clients whose `expr` (SQL over their table's columns) is one of `keys`: the value and the document id. */
export const clientsByExpression = async (
  knex: Knex,
  table: string,
  expr: string,
  keys: string[]
): Promise<{ k: string; documentId: string }[]> =>
  (await knex(table)
    .select({ k: knex.raw(expr), documentId: 'document_id' })
    .whereIn(knex.raw(expr) as unknown as string, keys)) as { k: string; documentId: string }[];
