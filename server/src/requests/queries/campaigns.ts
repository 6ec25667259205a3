/** Campaign rows (consent_campaigns) and the set-based statements that queue a campaign's requests. */
import type { Knex } from 'knex';
import { TABLE } from '../../constants';
import {
  concatSql,
  quoteId,
  randomDocumentIdSql,
  stringAggSql,
  type Dialect,
} from '../../utils/dialect';
import { byDocumentId, insertInto, OPEN_STATUSES, type Db, type Row } from './requests';

export const insertCampaign = (trx: Db, row: Row): Promise<void> =>
  insertInto(trx, TABLE.campaign, row);

export const campaignByDocumentId = (db: Db, documentId: string): Promise<Row | undefined> =>
  byDocumentId(db, TABLE.campaign, documentId);

export const updateCampaign = async (db: Db, documentId: string, data: Row): Promise<void> => {
  await db(TABLE.campaign).where('document_id', documentId).update(data);
};

/** The newest campaigns. */
export const listCampaigns = async (db: Db, limit: number): Promise<Row[]> =>
  (await db(TABLE.campaign).orderBy('id', 'desc').limit(limit)) as Row[];

/** Whether each campaign sends reminders and asks refusals again, by document id. */
export const campaignOptions = async (
  db: Db,
  documentIds: string[]
): Promise<{ document_id: string; reminder: unknown; ask_again_refused: unknown }[]> =>
  (await db(TABLE.campaign)
    .whereIn('document_id', documentIds)
    .select('document_id', 'reminder', 'ask_again_refused')) as {
    document_id: string;
    reminder: unknown;
    ask_again_refused: unknown;
  }[];

/** When each purpose's current major version came out (its first release), as a derived table `r`. */
const currentMajorReleases = (dialect: Dialect, keys: string) =>
  `(SELECT t.purpose_key, MIN(t.released_at) AS released_at
    FROM ${TABLE.text} t JOIN ${TABLE.purpose} q ON q.${quoteId(dialect, 'key')} = t.purpose_key AND t.major = q.current_major
    WHERE t.purpose_key IN (${keys})
    GROUP BY t.purpose_key) r`;

/** A client's decision in force for a purpose, with the release of the purpose's current major. */
export interface DecidedState {
  subject: string;
  purpose_key: string;
  decision: string;
  text_major: number | string | null;
  explicit: unknown;
  decided_at: unknown;
  released_at: unknown;
}

/**
 * The states of these clients for these purposes decided after `since` (by the subject
 * index; usually none): what the sender re-checks in a campaign's queued requests.
 */
export const decidedSince = async (
  db: Db,
  dialect: Dialect,
  subjects: string[],
  purposes: string[],
  since: Date
): Promise<DecidedState[]> => {
  if (subjects.length === 0 || purposes.length === 0) return [];
  const keys = purposes.map(() => '?').join(', ');
  const result = (await db.raw(
    `SELECT s.subject, s.purpose_key, s.decision, s.text_major, s.explicit, s.decided_at, r.released_at
     FROM ${TABLE.state} s LEFT JOIN ${currentMajorReleases(dialect, keys)} ON r.purpose_key = s.purpose_key
     WHERE s.subject IN (${subjects.map(() => '?').join(', ')}) AND s.purpose_key IN (${keys}) AND s.decided_at > ?`,
    [...purposes, ...subjects, ...purposes, since] as Knex.RawBinding[]
  )) as unknown;
  if (Array.isArray(result))
    return (Array.isArray(result[0]) ? result[0] : result) as DecidedState[];
  return ((result as { rows?: DecidedState[] }).rows ?? []) as DecidedState[];
};

/** A claimed request's purposes narrowed before it leaves (this owner still holds it). */
export const narrowQueued = async (
  db: Db,
  id: number,
  owner: string,
  purposeKeys: string[],
  now: Date
): Promise<void> => {
  await db(TABLE.request)
    .where({ id, lease_owner: owner, status: 'queued' })
    .update({ purpose_keys: JSON.stringify(purposeKeys), updated_at: now });
};

/** A selection of host clients (their document ids) as a subquery, one per document. */
export const hostClientsQuery = (
  trx: Db,
  host: { table: string; draftAndPublish: boolean },
  documentIds: string[]
): Knex.QueryBuilder => {
  const query = trx({ c: host.table }).distinct('c.document_id');
  if (host.draftAndPublish) query.whereNull('c.published_at');
  // An erased client is asked nothing (their summary's erased_at, rights/erasure.ts).
  query.whereNotExists((sub) =>
    sub
      .select(trx.raw('1'))
      .from({ x: TABLE.subject })
      .whereRaw('x.subject = c.document_id')
      .whereNotNull('x.erased_at')
  );
  return query.whereIn('c.document_id', documentIds);
};

/** The open consent requests, as a query to narrow and update. */
const openConsentRequests = (trx: Db) =>
  trx(TABLE.request)
    .where('kind', 'consent')
    .whereIn('status', [...OPEN_STATUSES]);

/** Cancel the open consent requests of the audience (a subquery of document ids). */
export const supersedeAudience = async (
  trx: Db,
  audience: Knex.QueryBuilder,
  superseded: Row
): Promise<void> => {
  await openConsentRequests(trx).whereIn('subject', audience).update(superseded);
};

/** Cancel the open consent requests of the campaign's subjects that are not the campaign's own. */
export const supersedeOthersOfCampaign = async (
  trx: Db,
  campaign: string,
  superseded: Row
): Promise<void> => {
  // The derived table lets MySQL/MariaDB read the table the statement updates.
  await openConsentRequests(trx)
    .where((w: Knex.QueryBuilder) => w.whereNull('campaign').orWhere('campaign', '<>', campaign))
    .whereIn(
      'subject',
      trx
        .select('x.subject')
        .from(trx(TABLE.request).select('subject').where('campaign', campaign).as('x'))
    )
    .update(superseded);
};

/** What a campaign asks each client: the purposes it may ask about, and whether refusals count. */
export interface AskRule {
  /** Keys of active, consent-based purposes with a published text (the campaign's `purposes`, or all). */
  purposes: string[];
  /** Ask refused and withdrawn purposes again even without a new major version (staff's explicit choice). */
  askAgainRefused: boolean;
}

/**
 * The purposes to ask each client of the audience, as one grouped SELECT: (subject,
 * purposes) where purposes is the JSON array of keys, only for clients with at least one.
 * A purpose is asked when the client's state for it is (docs/requests.md, "What a campaign
 * asks"): none (missing), expired, revoked, given but not valid (an older major, or
 * without the explicit tick a special category needs); refused or withdrawn only when the
 * purpose's current major was released after that decision and is newer than the version
 * it was about (or with `askAgainRefused`): domain/asking.ts isLeftToAsk, in SQL. Indexed
 * lookups: the state by (subject, purpose_key), the current major's release time from a
 * small derived table of texts.
 */
export const askedPurposesQuery = (
  trx: Db,
  dialect: Dialect,
  audience: Knex.QueryBuilder,
  rule: AskRule
) => {
  const key = `p.${quoteId(dialect, 'key')}`;
  const list = rule.purposes.map(() => '?').join(', ');
  const json = concatSql(dialect, [
    `'['`,
    stringAggSql(dialect, concatSql(dialect, [`'"'`, key, `'"'`]), 'p.position, p.id', ','),
    `']'`,
  ]);
  const again = rule.askAgainRefused ? '1 = 1' : '1 = 0';
  return trx.raw(
    `SELECT a.document_id AS subject, ${json} AS purposes
     FROM ? CROSS JOIN ${TABLE.purpose} p
     LEFT JOIN ${TABLE.state} s ON s.subject = a.document_id AND s.purpose_key = ${key}
     LEFT JOIN ${currentMajorReleases(dialect, list)} ON r.purpose_key = ${key}
     WHERE ${key} IN (${list})
       AND (
         s.id IS NULL
         OR s.decision IN ('expired', 'revoked')
         OR (s.decision = 'given' AND (
           s.text_major IS NULL OR s.text_major <> p.current_major
           OR (p.special_category = ? AND (s.explicit IS NULL OR s.explicit = ?))
         ))
         OR (s.decision IN ('refused', 'withdrawn') AND (
           ${again}
           OR ((s.text_major IS NULL OR s.text_major < p.current_major) AND r.released_at > s.decided_at)
         ))
       )
     GROUP BY a.document_id`,
    [audience.as('a'), ...rule.purposes, ...rule.purposes, true, false] as Knex.RawBinding[]
  );
};

/**
 * One request per client of the audience (a subquery of document ids) with something
 * left to ask (askedPurposesQuery), each from `template` (column values but document_id,
 * subject and purpose_keys, which is the client's own list), in one INSERT ... SELECT;
 * how many were inserted.
 */
export const queueAudience = async (
  trx: Db,
  dialect: Dialect,
  campaign: string,
  audience: Knex.QueryBuilder,
  rule: AskRule,
  template: Row
): Promise<number> => {
  const columns = Object.keys(template).filter(
    (c) => c !== 'document_id' && c !== 'subject' && c !== 'purpose_keys'
  );
  // GROUP_CONCAT stops at 1,024 bytes by default: room for every purpose key's list.
  if (dialect === 'mysql') await trx.raw('SET SESSION group_concat_max_len = 1048576');
  const keys = dialect === 'postgres' ? 'CAST(x.purposes AS jsonb)' : 'x.purposes';
  const inserted = (await trx.raw(
    `INSERT INTO ${TABLE.request} (document_id, subject, purpose_keys, ${columns.join(', ')}) SELECT ${randomDocumentIdSql(dialect)}, x.subject, ${keys}, ${columns.map(() => '?').join(', ')} FROM (?) x`,
    [
      ...columns.map((c) => template[c]),
      askedPurposesQuery(trx, dialect, audience, rule),
    ] as Knex.RawBinding[]
  )) as { rowCount?: number };
  // PostgreSQL reports the rows inserted; elsewhere count them (campaign index).
  if (dialect === 'postgres' && typeof inserted.rowCount === 'number') return inserted.rowCount;
  const [row] = (await trx(TABLE.request).where('campaign', campaign).count({ total: '*' })) as {
    total: number | string;
  }[];
  return Number(row.total);
};

/**
 * A campaign can add a large share of the table at once, and autovacuum analyzes it late:
 * with stale statistics the planner takes the settle's id list for a scan of the status
 * index. Fresh statistics keep the claim and settle on their indexes (PostgreSQL).
 */
export const analyzeRequests = async (db: Knex, dialect: Dialect): Promise<void> => {
  if (dialect === 'postgres') await db.raw(`ANALYZE ${TABLE.request}`);
};

/** A campaign's requests per status (one indexed GROUP BY). */
export const requestsPerStatus = async (
  db: Db,
  campaign: string
): Promise<{ status: string; n: number | string }[]> =>
  (await db(TABLE.request)
    .where('campaign', campaign)
    .groupBy('status')
    .select('status')
    .count({ n: '*' })) as { status: string; n: number | string }[];

/** Update the campaign's queued requests (pause, resume, cancel). */
export const updateQueuedOfCampaign = async (
  trx: Db,
  campaign: string,
  data: Row
): Promise<void> => {
  await trx(TABLE.request).where('campaign', campaign).where('status', 'queued').update(data);
};

/** Running campaigns with nothing left to send are completed (idempotent, any instance). */
export const completeFinished = async (db: Db, now: Date): Promise<void> => {
  await db(TABLE.campaign)
    .where('status', 'running')
    .whereNotExists(function () {
      this.select(1)
        .from(TABLE.request)
        .whereRaw(`${TABLE.request}.campaign = ${TABLE.campaign}.document_id`)
        .where(`${TABLE.request}.status`, 'queued');
    })
    .update({ status: 'completed', finished_at: now, updated_at: now });
};
