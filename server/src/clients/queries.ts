/**
 * The clients module's SQL: the host's clients joined to their consent summaries, filtered
 * and paged (the admin's list, campaign audiences, the Content Manager's filter), the
 * overview's counts and trend.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TABLE, type ClientState } from '../constants';
import type { SubjectReason } from '../domain/state-machine';
import { dialectOf, type Dialect } from '../utils/dialect';
import { OPEN_STATUSES } from '../requests';

type Db = Knex | Knex.Transaction;

export interface ClientFilter {
  state: ClientState;
  /** Search text: case-insensitive "contains" on the name, email and phone fields. */
  q?: string;
}

/** The host's client table and the columns of the configured fields (null: not configured). */
export interface HostTable {
  table: string;
  draftAndPublish: boolean;
  name: string | null;
  email: string | null;
  phone: string | null;
}

/** States that only a subject with a summary row can be in: the list is driven by the summary's indexes. */
const SUMMARY_DRIVEN: ReadonlySet<ClientState> = new Set([
  'valid',
  'outdated',
  'refused',
  'withdrawn',
  'revoked',
  'expired',
]);

/** `%`, `_` and the escape character itself are literal in the search text. */
const likePattern = (q: string) => `%${q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;

/**
 * Host rows `c` (one per document: the draft row under draft & publish) joined to
 * their summary `s`, restricted to a filter. `key` is the column the rows are
 * ordered and paged by: the summary's subject when the state needs a summary row
 * (an inner join driven by the (reason, subject) / (required_fingerprint, subject)
 * indexes), else the host's document id (a left join driven by the host's
 * document id index).
 */
export const filteredClients = (
  db: Knex | Knex.Transaction,
  host: HostTable,
  filter: ClientFilter,
  fingerprint: string,
  after?: string | null
) => {
  const summaryDriven = SUMMARY_DRIVEN.has(filter.state);
  const key = summaryDriven ? 's.subject' : 'c.document_id';
  const query = db({ c: host.table });
  // A page after a cursor bounds both sides of the join (the same bound, as the join
  // is on equality): a merge join otherwise reads the other side's index from its
  // start to reach the cursor, so a deep page would cost as much as every page before it.
  if (summaryDriven) {
    query.join({ s: TABLE.subject }, (j) => {
      j.on('s.subject', '=', 'c.document_id');
      if (after) j.andOnVal('c.document_id', '>', after);
    });
  } else {
    query.leftJoin({ s: TABLE.subject }, (j) => {
      j.on('s.subject', '=', 'c.document_id');
      if (after) j.andOnVal('s.subject', '>', after);
    });
  }
  if (host.draftAndPublish) query.whereNull('c.published_at');
  // Erased clients are in no list, count or audience (rights/erasure.ts stamps their summary).
  query.whereNull('s.erased_at');

  // No required purpose (empty fingerprint): nobody has valid consent.
  const notValid = (w: Knex.QueryBuilder) =>
    fingerprint === ''
      ? w
      : w.where((x) =>
          x.whereNull('s.required_fingerprint').orWhere('s.required_fingerprint', '<>', fingerprint)
        );
  switch (filter.state) {
    case 'all':
      break;
    case 'valid':
      if (fingerprint === '') query.whereRaw('1 = 0');
      else query.where('s.required_fingerprint', fingerprint);
      break;
    case 'invalid':
      notValid(query);
      break;
    case 'missing':
      notValid(
        query.where((w) =>
          w.whereNull('s.id').orWhereNull('s.reason').orWhere('s.reason', 'missing')
        )
      );
      break;
    case 'outdated':
      notValid(query.where('s.reason', 'given'));
      break;
    case 'pending':
      notValid(query).whereExists((sub) =>
        sub
          .select(db.raw('1'))
          .from({ r: TABLE.request })
          .whereRaw('r.subject = c.document_id')
          .where('r.kind', 'consent')
          .whereIn('r.status', [...OPEN_STATUSES])
      );
      break;
    default:
      // refused, withdrawn, revoked, expired: a required purpose holds that decision, so never valid.
      query.where('s.reason', filter.state);
  }

  const q = filter.q?.trim();
  if (q) {
    const columns = [host.name, host.email, host.phone].filter((c): c is string => Boolean(c));
    query.where((w) => {
      for (const column of columns)
        w.orWhereRaw(`LOWER(c.??) LIKE ? ESCAPE '!'`, [column, likePattern(q)]);
    });
  }
  return { query, key };
};

/** One keyset page of a filter's clients after `after`, with their summary's columns. */
export const clientsPage = async (
  db: Db,
  host: HostTable,
  filter: ClientFilter,
  fingerprint: string,
  { after, limit }: { after?: string | null; limit: number }
): Promise<Record<string, unknown>[]> => {
  const { query, key } = filteredClients(db, host, filter, fingerprint, after);
  query.select(
    'c.document_id as documentId',
    's.required_fingerprint as fingerprint',
    's.reason as reason',
    's.last_decision_at as lastDecisionAt'
  );
  for (const [alias, column] of [
    ['name', host.name],
    ['email', host.email],
    ['phone', host.phone],
  ] as const) {
    if (column) query.select(`c.${column} as ${alias}`);
  }
  if (after) query.where(key, '>', after);
  return (await query.orderBy(key, 'asc').limit(limit)) as Record<string, unknown>[];
};

/** The consent requests of these subjects, newest first. */
export const consentRequestsOf = async (
  db: Db,
  subjects: string[]
): Promise<Record<string, unknown>[]> =>
  (await db(TABLE.request)
    .select('subject', 'status', 'channel', 'sent_at', 'created_at')
    .whereIn('subject', subjects)
    .where('kind', 'consent')
    .orderBy('id', 'desc')) as Record<string, unknown>[];

export interface SummaryOf {
  subject: string;
  required_fingerprint: string | null;
  reason: SubjectReason | null;
  erased_at: string | number | Date | null;
}

/** These subjects' summaries (fingerprint, reason, erasure). */
export const summariesOf = async (db: Db, subjects: string[]): Promise<SummaryOf[]> =>
  (await db(TABLE.subject)
    .select('subject', 'required_fingerprint', 'reason', 'erased_at')
    .whereIn('subject', subjects)) as SummaryOf[];

/**
 * The document ids with (`valid`) or without valid consent, as a subquery for the query
 * engine's `$in`. Both as `IN (subquery)`, which every database plans as a semi-join. "No
 * valid consent" is an anti-join inside it rather than `NOT IN`: PostgreSQL runs a large
 * NOT IN subquery that does not fit work_mem row by row.
 */
export const listFilterSubquery = (
  strapi: Core.Strapi,
  clientTable: string,
  filter: 'valid' | 'invalid',
  fingerprint: string
): Knex.QueryBuilder => {
  const schema = strapi.db.getSchemaName();
  const table = (name: string) => (schema ? `${schema}.${name}` : name);
  // The knex instance itself (getConnection() is a builder bound to the schema when one is set).
  const knex = strapi.db.connection;
  // Erased clients are on neither side (their summary's erased_at).
  return filter === 'valid'
    ? knex
        .select('s.subject')
        .from({ s: table(TABLE.subject) })
        .where('s.required_fingerprint', fingerprint)
        .whereNull('s.erased_at')
    : knex
        .select('c.document_id')
        .from({ c: table(clientTable) })
        .leftJoin({ s: table(TABLE.subject) }, (join) => {
          join
            .on('s.subject', '=', 'c.document_id')
            .andOnVal('s.required_fingerprint', '=', fingerprint);
        })
        .whereNull('s.id')
        .whereNotExists((sub) =>
          sub
            .select(knex.raw('1'))
            .from({ x: table(TABLE.subject) })
            .whereRaw('x.subject = c.document_id')
            .whereNotNull('x.erased_at')
        );
};

// The overview.

/** The UTC day of a datetime column as 'YYYY-MM-DD' (SQLite stores Strapi datetimes as epoch milliseconds). */
const daySql = (dialect: Dialect, column: string): string => {
  switch (dialect) {
    case 'postgres':
      return `to_char(${column}, 'YYYY-MM-DD')`;
    case 'mysql':
      return `DATE_FORMAT(${column}, '%Y-%m-%d')`;
    default:
      return `CASE WHEN typeof(${column}) IN ('integer', 'real') THEN strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch') ELSE substr(${column}, 1, 10) END`;
  }
};

/**
 * The client count, the clients with a summary grouped by reason and validity (`v`), and
 * the clients without valid consent with an open request: three independent reads, sent
 * together (outside a transaction each takes its own connection).
 */
export const overviewCounts = async (
  db: Knex,
  host: HostTable,
  fingerprint: string
): Promise<{
  total: number;
  pending: number;
  grouped: {
    reason: SubjectReason | null;
    v: number | string;
    erased_flag: number | string;
    n: number | string;
  }[];
}> => {
  const hostRows = () => {
    const q = db({ c: host.table });
    if (host.draftAndPublish) q.whereNull('c.published_at');
    return q;
  };
  const toNumber = (row: unknown) => Number((row as { n: number | string } | undefined)?.n ?? 0);
  const totalQuery = hostRows().count({ n: '*' }).first();
  const groupedQuery = hostRows()
    .join({ s: TABLE.subject }, 's.subject', 'c.document_id')
    .select(
      's.reason as reason',
      db.raw(`CASE WHEN s.required_fingerprint = ? THEN 1 ELSE 0 END AS v`, [fingerprint]),
      db.raw(`CASE WHEN s.erased_at IS NULL THEN 0 ELSE 1 END AS erased_flag`)
    )
    .count({ n: '*' })
    .groupBy('s.reason', 'v', 'erased_flag');
  // Driven by the open requests (few, through their (status, ...) index), not by the client table.
  const open = db({ r: TABLE.request })
    .join({ c: host.table }, 'c.document_id', 'r.subject')
    .leftJoin({ s: TABLE.subject }, 's.subject', 'r.subject')
    .where('r.kind', 'consent')
    .whereIn('r.status', [...OPEN_STATUSES])
    .where((w) =>
      w.whereNull('s.required_fingerprint').orWhere('s.required_fingerprint', '<>', fingerprint)
    );
  if (host.draftAndPublish) open.whereNull('c.published_at');
  const [totalRow, groupedRows, pendingRow] = await Promise.all([
    totalQuery,
    groupedQuery,
    open.countDistinct({ n: 'r.subject' }).first(),
  ]);
  return {
    total: toNumber(totalRow),
    pending: toNumber(pendingRow),
    grouped: groupedRows as unknown as {
      reason: SubjectReason | null;
      v: number | string;
      erased_flag: number | string;
      n: number | string;
    }[],
  };
};

/** Consents given and withdrawn per UTC day since `from`. */
export const decisionsPerDay = async (
  strapi: Core.Strapi,
  from: Date
): Promise<{ day: string; decision: 'given' | 'withdrawn'; n: number | string }[]> => {
  const knex = strapi.db.connection;
  const day = daySql(dialectOf(strapi), 'occurred_at');
  return (await knex(TABLE.event)
    .select(knex.raw(`${day} AS day`), 'decision')
    .count({ n: '*' })
    .where('occurred_at', '>=', from)
    .whereIn('decision', ['given', 'withdrawn'])
    .groupByRaw(`${day}, decision`)) as {
    day: string;
    decision: 'given' | 'withdrawn';
    n: number | string;
  }[];
};
