/** Campaign rows (consent_campaigns) and the set-based statements that queue a campaign's requests. */
import type { Knex } from 'knex';
import { TABLE } from '../../constants';
import { randomDocumentIdSql, type Dialect } from '../../utils/dialect';
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

/** Whether each campaign sends reminders, by document id. */
export const campaignReminders = async (
  db: Db,
  documentIds: string[]
): Promise<{ document_id: string; reminder: unknown }[]> =>
  (await db(TABLE.campaign)
    .whereIn('document_id', documentIds)
    .select('document_id', 'reminder')) as { document_id: string; reminder: unknown }[];

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

/**
 * One request per client of the audience (a subquery of document ids), each from
 * `template` (column values but document_id and subject), in one INSERT ... SELECT;
 * how many were inserted.
 */
export const queueAudience = async (
  trx: Db,
  dialect: Dialect,
  campaign: string,
  audience: Knex.QueryBuilder,
  template: Row
): Promise<number> => {
  const columns = Object.keys(template).filter((c) => c !== 'document_id' && c !== 'subject');
  const inserted = (await trx.raw(
    `INSERT INTO ${TABLE.request} (document_id, subject, ${columns.join(', ')}) SELECT ${randomDocumentIdSql(dialect)}, a.document_id, ${columns.map(() => '?').join(', ')} FROM ?`,
    [...columns.map((c) => template[c]), audience.as('a')] as Knex.RawBinding[]
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
