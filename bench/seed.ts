/**
 * Bench seeding: N clients and their consent ledger, in set-based SQL.
 *
 * Fills the host table `clients` and the plugin's `consent_events`,
 * `consent_states` and `consent_subjects` with INSERT ... SELECT FROM
 * generate_series, a handful of statements whatever N is. The rows are what the
 * plugin itself would write for the same decisions (checked by verifySeed():
 * the plugin's own rebuild() from the event log must give back the very same
 * states and summaries, and its pageSubjects() paging must count exactly the
 * subjects the seed plan says are valid / not valid).
 *
 * The default mix (by i % 20, i = 1..N):
 *   0-11  60 %  valid     storage given to the current major (+ marketing given or
 *                         refused, + explicit health consent for 3 of the 12)
 *   12-14 15 %  outdated  storage given to the previous major (+ marketing for one)
 *   15     5 %  refused   storage refused
 *   16     5 %  withdrawn storage given, then withdrawn
 *   17-19 15 %  nothing   no event, no state, no summary row
 * The 'mostly-valid' mix (by i % 100): 99 % valid, 1 % outdated, the steady
 * state of a shop that asks for consent at every booking (the sparse case of
 * the 'no valid consent' page).
 *
 * CLI (the schema must exist: boot the demo app on it once, or use --boot):
 *   node -r ./bench/register.js bench/seed.ts --clients 10000 [--schema consent_bench_10k] [--mix default|mostly-valid]
 *        [--boot] [--check] [--keep-indexes]
 */
import type { Core } from '@strapi/strapi';
import { foldEvents, type Decision } from '../server/src/domain/state-machine';
import { arg, bootApp, connect, ms, resetSchema, schemaFor, type Db } from './lib';

type TextKind = 'storage_cur' | 'storage_old' | 'marketing_cur' | 'health_cur';
type Status = 'valid' | 'outdated' | 'refused' | 'withdrawn' | 'missing';

interface PlannedEvent {
  purpose: 'storage' | 'marketing' | 'health';
  decision: Decision;
  text: TextKind;
  explicit?: boolean;
}

interface Profile {
  /** What the plugin must report for the subject (forSubject().status). */
  status: Status;
  /** The subject's events, oldest first. */
  events: PlannedEvent[];
}

const STORAGE_GIVEN: PlannedEvent = { purpose: 'storage', decision: 'given', text: 'storage_cur' };

/** The default mix: 20 profiles, indexed by i % 20. */
const DEFAULT_PROFILES: Profile[] = Array.from({ length: 20 }, (_, b): Profile => {
  if (b <= 11) {
    return {
      status: 'valid',
      events: [
        STORAGE_GIVEN,
        { purpose: 'marketing', decision: b % 2 === 0 ? 'given' : 'refused', text: 'marketing_cur' },
        ...(b % 5 === 0 ? [{ purpose: 'health', decision: 'given', text: 'health_cur', explicit: true } as PlannedEvent] : []),
      ],
    };
  }
  if (b <= 14) {
    return {
      status: 'outdated',
      events: [
        { purpose: 'storage', decision: 'given', text: 'storage_old' },
        ...(b === 12 ? [{ purpose: 'marketing', decision: 'given', text: 'marketing_cur' } as PlannedEvent] : []),
      ],
    };
  }
  if (b === 15) return { status: 'refused', events: [{ purpose: 'storage', decision: 'refused', text: 'storage_cur' }] };
  if (b === 16) {
    return { status: 'withdrawn', events: [STORAGE_GIVEN, { purpose: 'storage', decision: 'withdrawn', text: 'storage_cur' }] };
  }
  return { status: 'missing', events: [] };
});

export const MIXES = {
  default: DEFAULT_PROFILES,
  'mostly-valid': Array.from({ length: 100 }, (_, b) => (b === 99 ? DEFAULT_PROFILES[13] : DEFAULT_PROFILES[b % 12])),
  /**
   * Most clients without valid consent (a shop that just started asking), by i % 20:
   * 20 % valid, 15 % outdated, 5 % refused, 5 % withdrawn, 55 % no decision.
   */
  'mostly-invalid': Array.from({ length: 20 }, (_, b) =>
    b <= 3 ? DEFAULT_PROFILES[b] : b <= 6 ? DEFAULT_PROFILES[12 + b - 4] : b === 7 ? DEFAULT_PROFILES[15] : b === 8 ? DEFAULT_PROFILES[16] : DEFAULT_PROFILES[17]
  ),
} satisfies Record<string, Profile[]>;
export type MixName = keyof typeof MIXES;

/** Event id slots per client: client i's k-th event gets id base + (i - 1) * SLOTS + k. */
const SLOTS = 4;

/**
 * One row per planned event, with `is_state` = the event is the state in force
 * for its (subject, purpose): decided by the plugin's own fold (domain/state-machine).
 */
const profileRows = (profiles: Profile[]) =>
  profiles.flatMap((profile, bucket) => {
    const events = profile.events.map((e, k) => ({
      ...e,
      id: k + 1,
      occurredAt: k + 1,
      textMajor: 0,
      explicit: e.explicit === true,
    }));
    const inForce = new Set(
      ['storage', 'marketing', 'health'].flatMap((purpose) => {
        const state = foldEvents(events.filter((e) => e.purpose === purpose));
        return state ? [state.event.id] : [];
      })
    );
    return events.map((e) => ({ bucket, slot: e.id, purpose: e.purpose, decision: e.decision, explicit: e.explicit, text: e.text, isState: inForce.has(e.id) }));
  });

const literal = (value: string | number | boolean) =>
  typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value);

const FIRST = ['Anna', 'Mette', 'Lars', 'Sofie', 'Erik', 'Ingrid', 'Mads', 'Karin', 'Johan', 'Freja', 'Nils', 'Astrid', 'Oskar', 'Maja', 'Henrik', 'Elin', 'Rasmus', 'Ida', 'Peter', 'Linnea', 'Jonas', 'Sara', 'Magnus', 'Emma', 'Anders'];
const LAST = ['Jensen', 'Nielsen', 'Hansen', 'Andersson', 'Johansson', 'Karlsson', 'Pedersen', 'Larsen', 'Lindqvist', 'Berg'];
const sqlArray = (values: string[]) => `ARRAY[${values.map(literal).join(', ')}]`;

/** SQL expression of bench client i's document id: random-looking like Strapi's, starting with a letter. */
export const clientDocumentIdSql = (i: string) => `'b' || substr(md5('bench-client-' || ${i}), 1, 23)`;
const languageSql = (i: string) => `(ARRAY['da', 'sv', 'en'])[1 + ${i} % 3]`;

export interface SeedResult {
  clients: number;
  mix: MixName;
  events: number;
  states: number;
  subjects: number;
  /** What the seed plan says, for verifySeed(). */
  expected: { totalClients: number; valid: number; invalid: number; byStatus: Record<Status, number> };
  /** Fingerprint under which `expected.valid` holds. */
  fingerprint: string;
  timings: Record<string, number>;
  totalMs: number;
}

export interface SeedOptions {
  clients: number;
  mix?: MixName;
  /** Insert with every index in place (slower; for comparison). */
  keepIndexes?: boolean;
  log?: (line: string) => void;
}

const SEEDED_TABLES = ['clients', 'consent_events', 'consent_states', 'consent_subjects'];

/**
 * Drop every index of these tables but the primary keys (unique constraints
 * included) and return the statements that create them again, exactly as they were.
 */
const dropSecondaryIndexes = async (db: Db, tables: string[]) => {
  const { rows } = await db.query(
    `SELECT c.relname AS table_name, ix.relname AS index_name, pg_get_indexdef(i.indexrelid) AS index_def,
            con.conname, pg_get_constraintdef(con.oid) AS constraint_def
     FROM pg_index i
     JOIN pg_class c ON c.oid = i.indrelid
     JOIN pg_class ix ON ix.oid = i.indexrelid
     LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = c.oid
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1) AND NOT i.indisprimary
     ORDER BY c.relname, ix.relname`,
    [tables]
  );
  const indexes = rows.map((r) => ({
    name: r.index_name as string,
    create: r.conname
      ? `ALTER TABLE ${r.table_name} ADD CONSTRAINT ${r.conname} ${r.constraint_def}`
      : (r.index_def as string),
    drop: r.conname ? `ALTER TABLE ${r.table_name} DROP CONSTRAINT ${r.conname}` : `DROP INDEX ${r.index_name}`,
  }));
  for (const index of indexes) await db.query(index.drop);
  return indexes;
};

/**
 * Seed `clients` bench clients and their consents into the schema `db` is set to
 * (search_path). The schema must hold the demo app's tables, purposes and texts.
 */
export const seed = async (db: Db, { clients: n, mix = 'default', keepIndexes = false, log = () => {} }: SeedOptions): Promise<SeedResult> => {
  const profiles = MIXES[mix];
  const period = profiles.length;
  const timings: Record<string, number> = {};
  const started = process.hrtime.bigint();
  const step = async <T>(name: string, sql: string, params: unknown[] = []) => {
    const t = process.hrtime.bigint();
    const res = await db.query(sql, params);
    timings[name] = Number(ms(t).toFixed(1));
    log(`  ${name}: ${timings[name].toFixed(0)} ms${res.rowCount != null && res.command === 'INSERT' ? ` (${res.rowCount} rows)` : ''}`);
    return res as unknown as { rows: T[]; rowCount: number };
  };

  await db.query(`SET synchronous_commit = off`);
  await db.query(`SET work_mem = '64MB'`);
  await db.query(`SET maintenance_work_mem = '256MB'`);

  // The purposes and text versions the demo bootstrap published.
  const purposes = (
    await db.query(
      `SELECT id, key, legal_basis, required, special_category, active, current_major, current_minor, current_text_id FROM consent_purposes`
    )
  ).rows;
  const byKey = new Map(purposes.map((p) => [p.key, p]));
  for (const key of ['storage', 'marketing', 'health']) {
    if (!byKey.get(key)?.current_text_id) throw new Error(`purpose "${key}" with a published text is missing: boot the demo app first`);
  }
  const storage = byKey.get('storage');
  const textId = async (where: string, params: unknown[]) => {
    const row = (await db.query(`SELECT id FROM consent_texts WHERE ${where} ORDER BY major DESC, minor DESC LIMIT 1`, params)).rows[0];
    return row?.id as number | undefined;
  };
  const texts: Record<TextKind, number | undefined> = {
    storage_cur: await textId('document_id = $1', [storage.current_text_id]),
    storage_old: await textId('purpose_key = $1 AND major < $2', ['storage', storage.current_major]),
    marketing_cur: await textId('document_id = $1', [byKey.get('marketing').current_text_id]),
    health_cur: await textId('document_id = $1', [byKey.get('health').current_text_id]),
  };
  for (const [kind, id] of Object.entries(texts)) if (!id) throw new Error(`no text for ${kind}`);

  const first = (await db.query(`SELECT 1 FROM clients WHERE document_id = ${clientDocumentIdSql('1')}`)).rowCount;
  if (first) throw new Error('this schema is already seeded (bench client 1 exists): reset it first');

  const required = purposes
    .filter((p) => p.active && p.required && p.legal_basis === 'consent')
    .sort((a, b) => a.id - b.id);
  const fingerprint = required.map((p) => `${p.id}:${p.current_major ?? '-'}`).join('|');
  const validBefore = Number(
    (
      await db.query(
        `SELECT count(*) AS n FROM clients c JOIN consent_subjects s ON s.subject = c.document_id WHERE s.required_fingerprint = $1`,
        [fingerprint]
      )
    ).rows[0].n
  );
  const clientsBefore = Number((await db.query(`SELECT count(*) AS n FROM clients`)).rows[0].n);
  const eventBase = Number((await db.query(`SELECT coalesce(max(id), 0) AS n FROM consent_events`)).rows[0].n);
  const now = new Date();
  const t0 = new Date(now.getTime() - 86_400_000); // events dated from one day ago, 10 ms per client

  // One transaction: a failed seed leaves the schema (and its indexes) as it was.
  const load = async () => {
    // Small lookup tables: the texts per locale, and the mix.
    await step(
      'lookup tables',
      `CREATE TEMP TABLE bench_text AS
       SELECT k.kind, l.locale, t.document_id AS text_id, t.version, t.major,
              CASE WHEN t.bodies ? l.locale THEN l.locale ELSE t.default_locale END AS text_locale,
              coalesce(t.bodies -> l.locale ->> 'sha256', t.bodies -> t.default_locale ->> 'sha256') AS text_hash
       FROM (VALUES ${Object.entries(texts).map(([kind, id]) => `(${literal(kind)}, ${id})`).join(', ')}) k(kind, id)
       JOIN consent_texts t ON t.id = k.id
       CROSS JOIN (VALUES ('da'), ('sv'), ('en')) l(locale);
       CREATE TEMP TABLE bench_profile (bucket int, slot int, purpose_key text, decision text, explicit boolean, kind text, is_state boolean);
       INSERT INTO bench_profile VALUES ${profileRows(profiles)
         .map((r) => `(${[r.bucket, r.slot, r.purpose, r.decision, r.explicit, r.text, r.isState].map(literal).join(', ')})`)
         .join(', ')};`
    );

    // Bulk load: secondary indexes are dropped in this transaction and built again
    // (sorted, in parallel) at the end, much cheaper than 5 M random index inserts.
    const indexes = keepIndexes ? [] : await dropSecondaryIndexes(db, SEEDED_TABLES);

    await step(
      'clients',
      `INSERT INTO clients (document_id, name, email, phone, language, created_at, updated_at, published_at)
       SELECT ${clientDocumentIdSql('i')},
              (${sqlArray(FIRST)})[1 + i % ${FIRST.length}] || ' ' || (${sqlArray(LAST)})[1 + (i / ${FIRST.length}) % ${LAST.length}] || ' ' || i,
              CASE WHEN i % 12 = 5 THEN NULL ELSE 'bench.client.' || i || '@example.com' END,
              '+45 ' || lpad((i % 100000000)::text, 8, '0'),
              ${languageSql('i')},
              $1::timestamp, $1::timestamp, $1::timestamp
       FROM generate_series(1, $2::int) i
       ORDER BY i`,
      [now.toISOString(), n]
    );

    // Every planned event, once, in a temporary table the three inserts read from.
    await step(
      'plan events',
      `CREATE TEMP TABLE bench_ev AS
       SELECT $1::bigint + (g.i - 1) * ${SLOTS} + p.slot AS id, g.i, p.purpose_key, p.decision, p.explicit, p.is_state,
              ${clientDocumentIdSql('g.i')} AS subject,
              t.text_id, t.version, t.major, t.text_hash, t.text_locale,
              CASE WHEN g.i % 4 = 0 THEN 'in_person' ELSE 'booking_page' END AS channel,
              date_trunc('milliseconds', $2::timestamp + (g.i * 10 + p.slot) * interval '1 millisecond') AS occurred_at
       FROM generate_series(1, $3::int) g(i)
       JOIN bench_profile p ON p.bucket = g.i % ${period}
       JOIN bench_text t ON t.kind = p.kind AND t.locale = ${languageSql('g.i')}`,
      [eventBase, t0.toISOString(), n]
    );

    const events = await step(
      'consent_events',
      `INSERT INTO consent_events
         (id, document_id, subject, purpose_key, decision, explicit, text_id, text_version, text_major, text_hash, text_locale,
          channel, source, actor_type, actor_id, actor_name, occurred_at, created_at, updated_at, published_at)
       SELECT e.id, 'e' || substr(md5('bench-event-' || e.id), 1, 23), e.subject, e.purpose_key, e.decision, e.explicit,
              e.text_id, e.version, e.major, e.text_hash, e.text_locale, e.channel, 'bench seed',
              CASE WHEN e.channel = 'in_person' THEN 'admin' ELSE 'subject' END,
              CASE WHEN e.channel = 'in_person' THEN 'bench' END,
              CASE WHEN e.channel = 'in_person' THEN 'Bench seed' END,
              e.occurred_at, e.occurred_at, e.occurred_at, e.occurred_at
       FROM bench_ev e
       ORDER BY e.id`
    );
    await db.query(`SELECT setval(pg_get_serial_sequence('consent_events', 'id'), (SELECT max(id) FROM consent_events))`);

    const states = await step(
      'consent_states',
      `INSERT INTO consent_states
         (document_id, subject, purpose_key, decision, explicit, text_id, text_version, text_major, text_hash, text_locale,
          channel, event_id, decided_at, created_at, updated_at, published_at)
       SELECT 's' || substr(md5('bench-state-' || e.id), 1, 23), e.subject, e.purpose_key, e.decision, e.explicit,
              e.text_id, e.version, e.major, e.text_hash, e.text_locale, e.channel, e.id, e.occurred_at,
              $1::timestamp, $1::timestamp, $1::timestamp
       FROM bench_ev e
       WHERE e.is_state
       ORDER BY e.id`,
      [now.toISOString()]
    );

    // The summary: the fingerprint of the required consents held (ordered by purpose id),
    // the reason it may lack valid consent (domain subjectReason), last event.
    const reasonSql = `CASE ${['withdrawn', 'revoked', 'refused', 'expired']
      .map((d) => `WHEN bool_or(rp.id IS NOT NULL AND e.is_state AND e.decision = '${d}') THEN '${d}'`)
      .join(' ')} WHEN count(DISTINCT rp.id) FILTER (WHERE e.is_state) < ${required.length} THEN 'missing' ELSE 'given' END`;
    const subjects = await step(
      'consent_subjects',
      `INSERT INTO consent_subjects
         (document_id, subject, required_fingerprint, reason, last_event_id, last_decision_at, created_at, updated_at, published_at)
       SELECT 'u' || substr(md5('bench-subject-' || e.i), 1, 23), min(e.subject),
              string_agg(CASE WHEN e.is_state AND e.decision = 'given' AND e.major IS NOT NULL AND (NOT rp.special_category OR e.explicit)
                              THEN rp.id || ':' || e.major END, '|' ORDER BY rp.id),
              ${reasonSql},
              max(e.id), max(e.occurred_at), $1::timestamp, $1::timestamp, $1::timestamp
       FROM bench_ev e
       LEFT JOIN consent_purposes rp ON rp.key = e.purpose_key AND rp.active AND rp.required AND rp.legal_basis = 'consent'
       GROUP BY e.i
       ORDER BY e.i`,
      [now.toISOString()]
    );

    await db.query(`DROP TABLE bench_ev; DROP TABLE bench_profile; DROP TABLE bench_text`);
    if (indexes.length > 0) {
      const ti = process.hrtime.bigint();
      for (const index of indexes) await db.query(index.create);
      timings['rebuild indexes'] = Number(ms(ti).toFixed(1));
      log(`  rebuild ${indexes.length} indexes: ${timings['rebuild indexes'].toFixed(0)} ms`);
    }
    return { events, states, subjects };
  };
  await db.query('BEGIN');
  let loaded: Awaited<ReturnType<typeof load>>;
  try {
    loaded = await load();
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  }
  const { events, states, subjects } = loaded;

  // The expectation, from the plan alone (not from the rows just written).
  const counts = profiles.map((_, b) => (b === 0 ? Math.floor(n / period) : Math.max(0, Math.floor((n - b) / period) + 1)));
  const byStatus = { valid: 0, outdated: 0, refused: 0, withdrawn: 0, missing: 0 } as Record<Status, number>;
  profiles.forEach((p, b) => (byStatus[p.status] += counts[b]));

  // Steady state, as in a long-lived database: statistics and the visibility map (index-only scans).
  const tv = process.hrtime.bigint();
  await db.query(`VACUUM (ANALYZE) clients, consent_events, consent_states, consent_subjects, consent_purposes, consent_texts`);
  timings['vacuum analyze'] = Number(ms(tv).toFixed(1));
  log(`  vacuum analyze: ${timings['vacuum analyze'].toFixed(0)} ms`);

  const totalClients = clientsBefore + n;
  const valid = validBefore + byStatus.valid;
  return {
    clients: n,
    mix,
    events: events.rowCount,
    states: states.rowCount,
    subjects: subjects.rowCount,
    expected: { totalClients, valid, invalid: totalClients - valid, byStatus },
    fingerprint,
    timings,
    totalMs: Number(ms(started).toFixed(1)),
  };
};

/**
 * After a substantive publish, some clients consent again to the new storage text,
 * recorded as the ledger records it: one `given` event each (channel booking_page),
 * the (subject, storage) state moved to that event, the summary's last event and
 * fingerprint updated. Set-based, for the bench clients i with i % every === 0.
 * Returns how many subjects now hold the current fingerprint through it.
 */
export const reconsent = async (db: Db, { clients: n, every }: { clients: number; every: number }) => {
  const started = process.hrtime.bigint();
  const storage = (await db.query(`SELECT current_text_id FROM consent_purposes WHERE key = 'storage'`)).rows[0];
  const text = (await db.query(`SELECT id FROM consent_texts WHERE document_id = $1`, [storage.current_text_id])).rows[0];
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
    await db.query(`SELECT setval(pg_get_serial_sequence('consent_events', 'id'), (SELECT max(id) FROM consent_events))`);
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

/** Count what the plugin's own keyset paging returns (the admin "consent" filter). */
export const countByPaging = async (strapi: Core.Strapi, valid: boolean, limit = 5000) => {
  const states = strapi.plugin('consent').service('states');
  let after = 0;
  let total = 0;
  let pages = 0;
  for (;;) {
    const rows = (await states.pageSubjects({ valid, after, limit })) as { id: number }[];
    total += rows.length;
    pages += 1;
    if (rows.length < limit) return { total, pages };
    after = rows[rows.length - 1].id;
  }
};

const STATE_COLUMNS =
  'subject, purpose_key, decision, explicit, text_id, text_version, text_major, text_hash, text_locale, channel, event_id, decided_at';
const SUBJECT_COLUMNS = 'subject, required_fingerprint, reason, last_event_id, last_decision_at';

export interface VerifyResult {
  ok: boolean;
  problems: string[];
  paging: { valid: number; invalid: number; ms: number };
  sampleStatuses: number;
  rebuild?: { ms: number; statesDiff: number; subjectsDiff: number; states: number; subjects: number };
}

/**
 * Is the seeded data what the plugin itself would produce?
 *  - the plugin's paging counts the valid / not valid subjects the plan predicts;
 *  - forSubject() reports the planned status for one client of every profile;
 *  - with `rebuild`: the plugin's rebuild() from the event log gives back exactly
 *    the seeded states and summaries (compared column by column, both ways).
 */
export const verifySeed = async (
  strapi: Core.Strapi,
  db: Db,
  seeded: SeedResult,
  { rebuild = false, pageLimit = 5000 }: { rebuild?: boolean; pageLimit?: number } = {}
): Promise<VerifyResult> => {
  const problems: string[] = [];
  const states = strapi.plugin('consent').service('states');
  const current = await states.currentFingerprint();
  if (current !== seeded.fingerprint) problems.push(`current fingerprint ${current}, seeded for ${seeded.fingerprint}`);

  const tp = process.hrtime.bigint();
  const valid = await countByPaging(strapi, true, pageLimit);
  const invalid = await countByPaging(strapi, false, pageLimit);
  const pagingMs = ms(tp);
  if (valid.total !== seeded.expected.valid) problems.push(`plugin paging: ${valid.total} valid, plan says ${seeded.expected.valid}`);
  if (invalid.total !== seeded.expected.invalid) problems.push(`plugin paging: ${invalid.total} not valid, plan says ${seeded.expected.invalid}`);

  const profiles = MIXES[seeded.mix];
  const ids = (await db.query(`SELECT i, ${clientDocumentIdSql('i')} AS id FROM generate_series(1, $1::int) i`, [profiles.length])).rows;
  for (const { i, id } of ids) {
    const view = await states.forSubject(id);
    const want = profiles[i % profiles.length].status;
    if (view.status !== want || view.valid !== (want === 'valid')) problems.push(`bench client ${i}: plugin says ${view.status}, plan says ${want}`);
  }

  let rebuilt: VerifyResult['rebuild'];
  if (rebuild) {
    await db.query(`DROP TABLE IF EXISTS bench_check_states, bench_check_subjects`);
    await db.query(`CREATE TABLE bench_check_states AS SELECT ${STATE_COLUMNS} FROM consent_states`);
    await db.query(`CREATE TABLE bench_check_subjects AS SELECT ${SUBJECT_COLUMNS} FROM consent_subjects`);
    const tr = process.hrtime.bigint();
    const result = (await states.rebuild()) as { states: number; subjects: number };
    const rebuildMs = ms(tr);
    const diff = async (columns: string, table: string, seededTable: string) =>
      Number(
        (
          await db.query(
            `SELECT count(*) AS n FROM ((SELECT ${columns} FROM ${table} EXCEPT ALL SELECT ${columns} FROM ${seededTable})
                                   UNION ALL (SELECT ${columns} FROM ${seededTable} EXCEPT ALL SELECT ${columns} FROM ${table})) d`
          )
        ).rows[0].n
      );
    const statesDiff = await diff(STATE_COLUMNS, 'consent_states', 'bench_check_states');
    const subjectsDiff = await diff(SUBJECT_COLUMNS, 'consent_subjects', 'bench_check_subjects');
    await db.query(`DROP TABLE bench_check_states, bench_check_subjects`);
    await db.query(`VACUUM (ANALYZE) consent_states, consent_subjects`);
    if (statesDiff || subjectsDiff) {
      problems.push(`rebuild() differs from the seed: ${statesDiff} state rows, ${subjectsDiff} summary rows`);
    }
    rebuilt = { ms: Number(rebuildMs.toFixed(1)), statesDiff, subjectsDiff, ...result };
  }

  return {
    ok: problems.length === 0,
    problems,
    paging: { valid: valid.total, invalid: invalid.total, ms: Number(pagingMs.toFixed(1)) },
    sampleStatuses: ids.length,
    rebuild: rebuilt,
  };
};


/** CLI: seed a bench schema; --boot resets it and boots the demo app on it first. */
const main = async () => {
  const n = Number(arg('clients') ?? 10000);
  const schema = arg('schema') ?? schemaFor(n);
  const boot = process.argv.includes('--boot');
  const check = process.argv.includes('--check');
  if (boot) await resetSchema(schema);
  const app = boot || check ? await bootApp(schema) : null;
  const db = await connect(schema);
  try {
    console.log(`seeding ${n} clients into ${schema}`);
    const mix = (arg('mix') ?? 'default') as MixName;
    if (!MIXES[mix]) throw new Error(`--mix must be one of ${Object.keys(MIXES).join(', ')}`);
    const result = await seed(db, { clients: n, mix, keepIndexes: process.argv.includes('--keep-indexes'), log: console.log });
    console.log(
      `seeded ${result.clients} clients, ${result.events} events, ${result.states} states, ${result.subjects} summaries in ${(result.totalMs / 1000).toFixed(1)} s`
    );
    if (app) {
      const verified = await verifySeed(app.strapi, db, result, { rebuild: check });
      console.log(JSON.stringify(verified, null, 2));
      if (!verified.ok) process.exitCode = 1;
    }
  } finally {
    await db.end();
    await app?.stop();
  }
};

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
