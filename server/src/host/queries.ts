/**
 * The host module's SQL: the intake limit's counters (one statement per dialect) and the
 * booking's relation and consent check rows.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TABLE } from '../constants';
import { dialectOf } from '../utils/dialect';
import { newDocumentId } from '../utils/document-id';
import { preparedRaw } from '../utils/prepared';
import type { SubjectRelation } from '../ledger';

/** Counts one request of a client in the window ending at `windowEnd` (ms) and returns the count so far. */
export type Counter = (clientHash: string, windowEnd: number, now: number) => Promise<number>;

const T = TABLE.intakeCounter;

/**
 * The database counter: one row per (client, window), incremented atomically in
 * the database, so every instance on it shares the count. The row is updated
 * first and inserted only when missing: an INSERT that meets an existing row
 * still draws an id from the table's 32-bit sequence (PostgreSQL serial, InnoDB
 * auto-increment), which a flood would otherwise use up.
 */
export const databaseCounter = (strapi: Core.Strapi): Counter => {
  const knex = strapi.db.connection;
  switch (dialectOf(strapi)) {
    case 'postgres':
      // One statement: the UPDATE sees the row, or the INSERT makes it; two first
      // requests at once meet in ON CONFLICT, which waits for the other and adds one.
      return async (clientHash, windowEnd) => {
        const result = (await preparedRaw(
          strapi,
          knex,
          `WITH updated AS (UPDATE ${T} SET hits = hits + 1 WHERE client_hash = ? AND window_end = ? RETURNING hits), ` +
            `inserted AS (INSERT INTO ${T} (client_hash, window_end, hits) SELECT ?, ?, 1 WHERE NOT EXISTS (SELECT 1 FROM updated) ` +
            `ON CONFLICT (client_hash, window_end) DO UPDATE SET hits = ${T}.hits + 1 RETURNING hits) ` +
            `SELECT hits FROM updated UNION ALL SELECT hits FROM inserted`,
          [clientHash, windowEnd, clientHash, windowEnd]
        )) as { rows: { hits: number | string }[] };
        return Number(result.rows[0].hits);
      };
    case 'mysql':
      // No RETURNING: LAST_INSERT_ID(expr) hands the new count back in the statement's
      // own result (insertId), per connection, so there is no separate read to race.
      return async (clientHash, windowEnd) => {
        const [updated] = (await knex.raw(
          `UPDATE ${T} SET hits = LAST_INSERT_ID(hits + 1) WHERE client_hash = ? AND window_end = ?`,
          [clientHash, windowEnd]
        )) as [{ affectedRows: number; insertId: number }];
        if (updated.affectedRows === 1) return Number(updated.insertId);
        const [upserted] = (await knex.raw(
          `INSERT INTO ${T} (client_hash, window_end, hits) VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + 1)`,
          [clientHash, windowEnd]
        )) as [{ affectedRows: number; insertId: number }];
        // affectedRows is 1 for an insert, 2 for an update (another instance inserted first).
        return upserted.affectedRows === 1 ? 1 : Number(upserted.insertId);
      };
    default:
      // SQLite serialises writers and its 64-bit ids do not run out (its upsert draws one every time): a plain upsert.
      return async (clientHash, windowEnd) => {
        const rows = (await knex.raw(
          `INSERT INTO ${T} (client_hash, window_end, hits) VALUES (?, ?, 1) ` +
            `ON CONFLICT (client_hash, window_end) DO UPDATE SET hits = ${T}.hits + 1 RETURNING hits`,
          [clientHash, windowEnd]
        )) as { hits: number }[];
        return Number(rows[0].hits);
      };
  }
};

/** Delete the counters of windows that ended by `now`. */
export const deleteEndedWindows = async (knex: Knex, now: number): Promise<void> => {
  await knex(T).where('window_end', '<=', now).del();
};

/** PostgreSQL: the counters' table unlogged, if it is not yet. */
export const makeCountersUnlogged = async (knex: Knex): Promise<void> => {
  const result = (await knex.raw('SELECT relpersistence FROM pg_class WHERE oid = to_regclass(?)', [
    T,
  ])) as {
    rows: { relpersistence: string }[];
  };
  if (result.rows[0]?.relpersistence === 'p') await knex.raw(`ALTER TABLE ${T} SET UNLOGGED`);
};

/** The document id of the subject a booking's relation row points to (through its join table). */
export const subjectThrough = async (
  trx: Knex.Transaction,
  relation: SubjectRelation,
  bookingId: number
): Promise<string | null> => {
  const row = (await trx({ l: relation.joinTable })
    .join({ s: relation.subjectTable }, 's.id', `l.${relation.subjectColumn}`)
    .where(`l.${relation.ownerColumn}`, bookingId)
    .first({ documentId: 's.document_id' })) as { documentId?: string } | undefined;
  return row?.documentId ?? null;
};

/** A booking's consent check row, written or replaced (an upsert on the booking). */
export const upsertBookingCheck = (
  trx: Knex.Transaction,
  check: { uid: string; bookingId: string; subject: string | null; missing: unknown[] }
): Knex.QueryBuilder => {
  const now = new Date();
  return trx(TABLE.bookingCheck)
    .insert({
      document_id: newDocumentId(),
      booking_uid: check.uid,
      booking_id: check.bookingId,
      subject: check.subject,
      valid: check.missing.length === 0,
      missing: JSON.stringify(check.missing),
      checked_at: now,
      created_at: now,
      updated_at: now,
      published_at: now,
    })
    .onConflict(['booking_uid', 'booking_id'])
    .merge(['subject', 'valid', 'missing', 'checked_at', 'updated_at']);
};

export const deleteBookingCheck = (
  trx: Knex.Transaction,
  uid: string,
  bookingId: string
): Knex.QueryBuilder =>
  trx(TABLE.bookingCheck).where({ booking_uid: uid, booking_id: bookingId }).del();

/** The document ids of a booking type's bookings marked as made without valid consent. */
export const invalidBookingsSubquery = (knex: Knex, uid: string): Knex.QueryBuilder =>
  knex(TABLE.bookingCheck).select('booking_id').where({ booking_uid: uid, valid: false });
