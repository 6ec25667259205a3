/**
 * The rows the campaign bench runs over: the audience (N bench clients,
 * distinct emails, no consent at all) and the queue tables, emptied before
 * each plugin round.
 */
import { ms, round, type Db } from '../lib';
import { clientDocumentIdSql } from '../seed';

export const seedClients = async (db: Db, n: number) => {
  const t = process.hrtime.bigint();
  await db.query('BEGIN');
  // The demo's 50 clients (some without valid consent, some without an email) would join
  // the audience: without them, the audience is exactly the bench clients.
  await db.query('DELETE FROM bookings');
  await db.query('DELETE FROM clients');
  const now = new Date().toISOString();
  const inserted = await db.query(
    `INSERT INTO clients (document_id, name, email, phone, language, created_at, updated_at, published_at)
     SELECT ${clientDocumentIdSql('i')}, 'Bench Client ' || i, 'bench.client.' || i || '@example.com',
            '+45 ' || lpad(i::text, 8, '0'), (ARRAY['da', 'sv', 'en'])[1 + i % 3], $1::timestamp, $1::timestamp, $1::timestamp
     FROM generate_series(1, $2::int) i
     ORDER BY i`,
    [now, n]
  );
  await db.query('COMMIT');
  await db.query('VACUUM (ANALYZE) clients');
  return { clients: inserted.rowCount ?? 0, ms: round(ms(t), 1) };
};

/** Empty the queue tables: every plugin round enqueues the same campaign onto the same database. */
export const resetQueue = async (db: Db) => {
  await db.query('TRUNCATE consent_requests, consent_tokens, consent_campaigns RESTART IDENTITY');
  await db.query('VACUUM (ANALYZE) consent_requests, consent_tokens, consent_campaigns');
};
