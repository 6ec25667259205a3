import { ms, type Db } from '../lib';
import { clientDocumentIdSql, languageSql } from './plan';

/**
 * After a substantive publish, some clients consent again to the new storage text,
 * recorded as the ledger records it: one `given` event each (channel booking_page),
 * the (subject, storage) state moved to that event, the summary's last event and
 * fingerprint updated. Set-based, for the bench clients i with i % every === 0.
 * Returns how many subjects now hold the current fingerprint through it.
 */
export const reconsent = async (
  db: Db,
  { clients: n, every }: { clients: number; every: number }
) => {
  const started = process.hrtime.bigint();
  const storage = (
    await db.query(`SELECT current_text_id FROM consent_purposes WHERE key = 'storage'`)
  ).rows[0];
  const text = (
    await db.query(`SELECT id FROM consent_texts WHERE document_id = $1`, [storage.current_text_id])
  ).rows[0];
  const now = new Date();
  await db.query('BEGIN');
  try {
    await db.query(
      `CREATE TEMP TABLE bench_re ON COMMIT DROP AS
       SELECT (SELECT coalesce(max(id), 0) FROM consent_events) + row_number() OVER (ORDER BY g.i) AS id,
              ${clientDocumentIdSql('g.i')} AS subject, t.document_id AS text_id, t.version, t.major,
              CASE WHEN t.bodies ? l.locale THEN l.locale ELSE t.default_locale END AS text_locale,
              coalesce(t.bodies -> l.locale ->> 'sha256', t.bodies -> t.default_locale ->> 'sha256') AS text_hash,
              date_trunc('milliseconds', $2::timestamp) AS occurred_at
       FROM generate_series($3::int, $4::int, $3::int) g(i)
       CROSS JOIN LATERAL (SELECT ${languageSql('g.i')} AS locale) l
       JOIN consent_texts t ON t.id = $1`,
      [text.id, now.toISOString(), every, n]
    );
    await db.query(
      `INSERT INTO consent_events
         (id, document_id, subject, purpose_key, decision, explicit, text_id, text_version, text_major, text_hash, text_locale,
          channel, source, actor_type, occurred_at, created_at, updated_at, published_at)
       SELECT r.id, 'r' || substr(md5('bench-reconsent-' || r.id), 1, 23), r.subject, 'storage', 'given', false,
              r.text_id, r.version, r.major, r.text_hash, r.text_locale, 'booking_page', 'bench re-consent', 'subject',
              r.occurred_at, r.occurred_at, r.occurred_at, r.occurred_at
       FROM bench_re r ORDER BY r.id`
    );
    await db.query(
      `SELECT setval(pg_get_serial_sequence('consent_events', 'id'), (SELECT max(id) FROM consent_events))`
    );
    await db.query(
      `INSERT INTO consent_states
         (document_id, subject, purpose_key, decision, explicit, text_id, text_version, text_major, text_hash, text_locale,
          channel, event_id, decided_at, created_at, updated_at, published_at)
       SELECT 'r' || substr(md5('bench-restate-' || r.id), 1, 23), r.subject, 'storage', 'given', false, r.text_id, r.version,
              r.major, r.text_hash, r.text_locale, 'booking_page', r.id, r.occurred_at, r.occurred_at, r.occurred_at, r.occurred_at
       FROM bench_re r
       ON CONFLICT (subject, purpose_key) DO UPDATE SET
         decision = excluded.decision, explicit = excluded.explicit, text_id = excluded.text_id,
         text_version = excluded.text_version, text_major = excluded.text_major, text_hash = excluded.text_hash,
         text_locale = excluded.text_locale, channel = excluded.channel, event_id = excluded.event_id,
         decided_at = excluded.decided_at, updated_at = excluded.updated_at`
    );
    await db.query(
      `INSERT INTO consent_subjects (document_id, subject, last_event_id, last_decision_at, created_at, updated_at, published_at)
       SELECT 'r' || substr(md5('bench-resubject-' || r.id), 1, 23), r.subject, r.id, r.occurred_at, r.occurred_at, r.occurred_at, r.occurred_at
       FROM bench_re r
       ON CONFLICT (subject) DO UPDATE SET last_event_id = excluded.last_event_id,
         last_decision_at = excluded.last_decision_at, updated_at = excluded.updated_at`
    );
    const updated = await db.query(
      `UPDATE consent_subjects s SET required_fingerprint = (
         SELECT string_agg(p.id || ':' || st.text_major, '|' ORDER BY p.id)
         FROM consent_states st JOIN consent_purposes p ON p.key = st.purpose_key
         WHERE st.subject = s.subject AND st.decision = 'given' AND st.text_major IS NOT NULL
           AND p.active AND p.required AND p.legal_basis = 'consent' AND (NOT p.special_category OR st.explicit)),
         reason = (
         SELECT CASE ${['withdrawn', 'revoked', 'refused', 'expired'].map((d) => `WHEN bool_or(st.decision = '${d}') THEN '${d}'`).join(' ')}
                WHEN count(*) < (SELECT count(*) FROM consent_purposes WHERE active AND required AND legal_basis = 'consent') THEN 'missing'
                ELSE 'given' END
         FROM consent_states st JOIN consent_purposes p ON p.key = st.purpose_key
         WHERE st.subject = s.subject AND p.active AND p.required AND p.legal_basis = 'consent')
       WHERE s.subject IN (SELECT subject FROM bench_re)`
    );
    await db.query('COMMIT');
    return { subjects: updated.rowCount ?? 0, ms: Number(ms(started).toFixed(1)) };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  }
};
