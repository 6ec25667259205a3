/**
 * Request rows (consent_requests): what the requests, confirmations, expiry and token
 * services read and write, as named statements. The services decide when; these say how.
 */
import type { Knex } from 'knex';
import { TABLE } from '../../constants';
import { supportsRowLocks, type Dialect } from '../../utils/dialect';

/** Statuses in which a consent request is still open (a new one supersedes it). */
export const OPEN_STATUSES = ['queued', 'sent'] as const;

export type Db = Knex | Knex.Transaction;
export type Row = Record<string, unknown>;

/** A row of one of the module's tables, inserted. */
export const insertInto = async (trx: Db, table: string, row: Row): Promise<void> => {
  await trx(table).insert(row);
};

/** A row of one of the module's tables by its document id. */
export const byDocumentId = async (
  db: Db,
  table: string,
  documentId: string
): Promise<Row | undefined> =>
  (await db(table).where('document_id', documentId).first()) as Row | undefined;

export const insertRequest = (trx: Db, row: Row): Promise<void> =>
  insertInto(trx, TABLE.request, row);

export const requestByDocumentId = (db: Db, documentId: string): Promise<Row | undefined> =>
  byDocumentId(db, TABLE.request, documentId);

/** Cancel the open consent requests of these subjects (not `except`, nor a booking's confirmation). */
export const supersedeOpen = async (
  trx: Db,
  subjects: string[],
  except: string,
  now: Date
): Promise<void> => {
  await trx(TABLE.request)
    .whereIn('subject', subjects)
    .where('kind', 'consent')
    // A booking's confirmation stays open: it carries the client's own choices to confirm.
    .whereNull('origin')
    .whereIn('status', [...OPEN_STATUSES])
    .whereNot('document_id', except)
    .update({ status: 'cancelled', reason: `superseded by request ${except}`, updated_at: now });
};

/** Cancel one request if it is still open; the number of rows changed (0 or 1). */
export const cancelOpen = async (
  db: Db,
  documentId: string,
  reason: string,
  now: Date
): Promise<number> =>
  Number(
    await db(TABLE.request)
      .where('document_id', documentId)
      .whereIn('status', [...OPEN_STATUSES])
      .update({ status: 'cancelled', reason, updated_at: now })
  );

export interface RequestFilter {
  subject?: string;
  campaign?: string;
  status?: string;
  before?: number;
}

/** Newest first, keyset by id. */
export const listRequests = async (
  db: Db,
  filter: RequestFilter,
  limit: number
): Promise<Row[]> => {
  const query = db(TABLE.request).orderBy('id', 'desc').limit(limit);
  if (filter.subject) query.where('subject', filter.subject);
  if (filter.campaign) query.where('campaign', filter.campaign);
  if (filter.status) query.where('status', filter.status);
  if (filter.before) query.where('id', '<', filter.before);
  return (await query) as Row[];
};

/** A sent, unexpired request answered; the number of rows changed (0 or 1). */
export const markAnswered = async (
  trx: Db,
  documentId: string,
  status: 'approved' | 'declined',
  now: Date
): Promise<number> =>
  Number(
    await trx(TABLE.request)
      .where('document_id', documentId)
      .where('status', 'sent')
      .where('expires_at', '>', now)
      .update({ status, answered_at: now, updated_at: now })
  );

/** Sent consent requests past their expiry, locked (SKIP LOCKED where the database has it). */
export const lockExpired = async (
  trx: Knex.Transaction,
  dialect: Dialect,
  now: Date,
  limit: number
): Promise<Row[]> => {
  const due = trx(TABLE.request)
    .select('*')
    .where('status', 'sent')
    .where('kind', 'consent')
    .where('expires_at', '<=', now)
    .orderBy('id')
    .limit(limit);
  if (supportsRowLocks(dialect)) due.forUpdate().skipLocked();
  return (await due) as Row[];
};

export const markExpired = async (
  trx: Knex.Transaction,
  ids: number[],
  now: Date
): Promise<void> => {
  await trx(TABLE.request).whereIn('id', ids).where('status', 'sent').update({
    status: 'expired',
    reason: 'no answer before the request expired',
    updated_at: now,
  });
};

// Confirmations: a booking's held decisions, waiting in a consent request with an origin.

/** The client's open confirmation (queued or sent), locked for the update when the database can. */
export const openConfirmation = async (
  trx: Knex.Transaction,
  dialect: Dialect,
  subject: string
): Promise<Row | undefined> => {
  const query = trx(TABLE.request)
    .where({ subject, kind: 'consent' })
    .whereNotNull('origin')
    .whereIn('status', [...OPEN_STATUSES])
    .orderBy('id', 'desc')
    .first();
  if (supportsRowLocks(dialect)) query.forUpdate();
  return (await query) as Row | undefined;
};

/** Every open confirmation of a client, newest first. */
export const openConfirmations = async (db: Db, subject: string): Promise<Row[]> =>
  (await db(TABLE.request)
    .where({ subject, kind: 'consent' })
    .whereNotNull('origin')
    .whereIn('status', [...OPEN_STATUSES])
    .orderBy('id', 'desc')) as Row[];

export const updateRequest = async (trx: Db, id: number, data: Row): Promise<void> => {
  await trx(TABLE.request).where('id', id).update(data);
};

/** A new client's queued information mails wait for its confirmation (`reason` names it). */
export const holdInformation = async (
  trx: Db,
  subject: string,
  reason: string,
  now: Date
): Promise<void> => {
  await trx(TABLE.request)
    .where({ subject, kind: 'information', status: 'queued', held: false })
    .update({ held: true, reason, updated_at: now });
};

/** The information mails held for `reason` go out; how many. */
export const releaseInformation = async (trx: Db, reason: string, now: Date): Promise<number> =>
  Number(
    await trx(TABLE.request)
      .where({ kind: 'information', status: 'queued', held: true, reason })
      .update({ held: false, reason: null, next_attempt_at: now, updated_at: now })
  );

/** The information mails held for any of `reasons` are cancelled. */
export const dropInformation = async (trx: Db, reasons: string[], now: Date): Promise<void> => {
  await trx(TABLE.request)
    .where({ kind: 'information', status: 'queued', held: true })
    .whereIn('reason', reasons)
    .update({ status: 'cancelled', reason: 'the address was never confirmed', updated_at: now });
};

// Link tokens (consent_tokens).

/** Rows per token insert: 7 values each, well under every database's limit on bound parameters. */
const TOKEN_CHUNK = 500;

/**
 * Up to 500 tokens are one statement (atomic on its own); more are inserted in chunks,
 * which only a transaction makes all-or-nothing.
 */
export const insertTokens = async (trx: Db, rows: Row[]): Promise<void> => {
  // knex's batchInsert runs its chunks in a transaction of its own when not given one.
  if (rows.length <= TOKEN_CHUNK) await trx(TABLE.token).insert(rows);
  else await trx.batchInsert(TABLE.token, rows, TOKEN_CHUNK);
};

/** Tokens made since `since` for requests whose message never left. */
export const deleteTokensSince = async (db: Db, requests: string[], since: Date): Promise<void> => {
  await db(TABLE.token).whereIn('request', requests).where('created_at', '>=', since).del();
};
