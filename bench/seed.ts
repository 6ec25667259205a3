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
import { arg, bootApp, connect, ms, resetSchema, schemaFor, type Db } from './lib';
import {
  clientDocumentIdSql,
  FIRST,
  LAST,
  languageSql,
  literal,
  MIXES,
  profileRows,
  sqlArray,
  SLOTS,
  type MixName,
  type Status,
  type TextKind,
} from './seed/plan';
import { verifySeed } from './seed/verify';

// The seed's public API: the plan's names, the re-consent step and the check live in bench/seed/.
export { clientDocumentIdSql, MIXES, type MixName } from './seed/plan';
export { reconsent } from './seed/reconsent';
export { countByPaging, verifySeed, type VerifyResult } from './seed/verify';

export interface SeedResult {
  clients: number;
  mix: MixName;
  events: number;
  states: number;
  subjects: number;
  /** What the seed plan says, for verifySeed(). */
  expected: {
    totalClients: number;
    valid: number;
    invalid: number;
    byStatus: Record<Status, number>;
  };
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
    drop: r.conname
      ? `ALTER TABLE ${r.table_name} DROP CONSTRAINT ${r.conname}`
      : `DROP INDEX ${r.index_name}`,
  }));
  for (const index of indexes) await db.query(index.drop);
  return indexes;
};

/**
 * Seed `clients` bench clients and their consents into the schema `db` is set to
 * (search_path). The schema must hold the demo app's tables, purposes and texts.
 */
export const seed = async (
  db: Db,
  { clients: n, mix = 'default', keepIndexes = false, log = () => {} }: SeedOptions
): Promise<SeedResult> => {
  const profiles = MIXES[mix];
  const period = profiles.length;
  const timings: Record<string, number> = {};
  const started = process.hrtime.bigint();
  const step = async <T>(name: string, sql: string, params: unknown[] = []) => {
    const t = process.hrtime.bigint();
    const res = await db.query(sql, params);
    timings[name] = Number(ms(t).toFixed(1));
    log(
      `  ${name}: ${timings[name].toFixed(0)} ms${res.rowCount != null && res.command === 'INSERT' ? ` (${res.rowCount} rows)` : ''}`
    );
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
    if (!byKey.get(key)?.current_text_id)
      throw new Error(`purpose "${key}" with a published text is missing: boot the demo app first`);
  }
  const storage = byKey.get('storage');
  const textId = async (where: string, params: unknown[]) => {
    const row = (
      await db.query(
        `SELECT id FROM consent_texts WHERE ${where} ORDER BY major DESC, minor DESC LIMIT 1`,
        params
      )
    ).rows[0];
    return row?.id as number | undefined;
  };
  const texts: Record<TextKind, number | undefined> = {
    storage_cur: await textId('document_id = $1', [storage.current_text_id]),
    storage_old: await textId('purpose_key = $1 AND major < $2', [
      'storage',
      storage.current_major,
    ]),
    marketing_cur: await textId('document_id = $1', [byKey.get('marketing').current_text_id]),
    health_cur: await textId('document_id = $1', [byKey.get('health').current_text_id]),
  };
  for (const [kind, id] of Object.entries(texts)) if (!id) throw new Error(`no text for ${kind}`);

  const first = (
    await db.query(`SELECT 1 FROM clients WHERE document_id = ${clientDocumentIdSql('1')}`)
  ).rowCount;
  if (first)
    throw new Error('this schema is already seeded (bench client 1 exists): reset it first');

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
  const eventBase = Number(
    (await db.query(`SELECT coalesce(max(id), 0) AS n FROM consent_events`)).rows[0].n
  );
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
       FROM (VALUES ${Object.entries(texts)
         .map(([kind, id]) => `(${literal(kind)}, ${id})`)
         .join(', ')}) k(kind, id)
       JOIN consent_texts t ON t.id = k.id
       CROSS JOIN (VALUES ('da'), ('sv'), ('en')) l(locale);
       CREATE TEMP TABLE bench_profile (bucket int, slot int, purpose_key text, decision text, explicit boolean, kind text, is_state boolean);
       INSERT INTO bench_profile VALUES ${profileRows(profiles)
         .map(
           (r) =>
             `(${[r.bucket, r.slot, r.purpose, r.decision, r.explicit, r.text, r.isState].map(literal).join(', ')})`
         )
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
    await db.query(
      `SELECT setval(pg_get_serial_sequence('consent_events', 'id'), (SELECT max(id) FROM consent_events))`
    );

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
      .map(
        (d) => `WHEN bool_or(rp.id IS NOT NULL AND e.is_state AND e.decision = '${d}') THEN '${d}'`
      )
      .join(
        ' '
      )} WHEN count(DISTINCT rp.id) FILTER (WHERE e.is_state) < ${required.length} THEN 'missing' ELSE 'given' END`;
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
  const counts = profiles.map((_, b) =>
    b === 0 ? Math.floor(n / period) : Math.max(0, Math.floor((n - b) / period) + 1)
  );
  const byStatus = { valid: 0, outdated: 0, refused: 0, withdrawn: 0, missing: 0 } as Record<
    Status,
    number
  >;
  profiles.forEach((p, b) => (byStatus[p.status] += counts[b]));

  // Steady state, as in a long-lived database: statistics and the visibility map (index-only scans).
  const tv = process.hrtime.bigint();
  await db.query(
    `VACUUM (ANALYZE) clients, consent_events, consent_states, consent_subjects, consent_purposes, consent_texts`
  );
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
    const result = await seed(db, {
      clients: n,
      mix,
      keepIndexes: process.argv.includes('--keep-indexes'),
      log: console.log,
    });
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
