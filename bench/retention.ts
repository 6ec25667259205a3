/**
 * Benchmark: the retention rule's preview (count + first page + a deep page) over
 * N clients with 2 bookings each on PostgreSQL, and a cross-check of its count
 * against a differently written query (LEFT JOIN ... GROUP BY ... HAVING).
 *
 *   npm run build && node -r ./bench/register.js bench/retention.ts [--clients 100000] [--rounds 7] [--reuse]
 *
 * 1. Reset the schema consent_bench_retention, boot the real demo app on it,
 *    seed N clients with their consent ledger (bench/seed.ts), then set-based:
 *    clients created 0-71 months ago, summaries' last decision 0-71 months ago,
 *    2N bookings starting between 5 years ago and 3 months ahead, linked through
 *    Strapi's join table.
 * 2. Time, in process, the service calls the admin routes make: count(cutoff),
 *    page(cutoff, 0, 50) and a page from the middle; median and max of --rounds.
 * 3. Write bench/results/retention-latest.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { arg, bootApp, connect, flag, ms, quantile, resetSchema, round } from './lib';
import { seed } from './seed';

const SCHEMA = 'consent_bench_retention';
const N = Number(arg('clients') ?? 100_000);
const ROUNDS = Number(arg('rounds') ?? 7);
const MONTHS = 36;

const main = async () => {
  // One boot per process (Strapi's content API keeps its routes' params globally): seed beside the running app.
  if (!flag('reuse')) await resetSchema(SCHEMA);
  const app = await bootApp(SCHEMA);
  if (!flag('reuse')) {
    const db = await connect(SCHEMA);
    const t = process.hrtime.bigint();
    await seed(db, { clients: N, log: (line) => console.log(line) });
    await db.query(
      `UPDATE clients SET created_at = now() - make_interval(months => (id % 72)) - interval '1 day'`
    );
    await db.query(
      `UPDATE consent_subjects SET last_decision_at = now() - make_interval(months => ((id * 7) % 72))`
    );
    await db.query(
      `INSERT INTO bookings (document_id, starts_at, service, created_at, updated_at, published_at)
       SELECT 'bk' || substr(md5('bench-booking-' || g), 1, 22), now() - make_interval(days => (g * 37) % 1920) + interval '90 days',
              'bench-' || g, now(), now(), now()
       FROM generate_series(1, $1::int) g`,
      [2 * N]
    );
    await db.query(
      `WITH c AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM clients)
       INSERT INTO bookings_client_lnk (booking_id, client_id)
       SELECT b.id, c.id FROM bookings b JOIN c ON c.rn = ((substr(b.service, 7)::int - 1) % $1::int) + 1
       WHERE b.service LIKE 'bench-%'`,
      [N]
    );
    await db.query('ANALYZE');
    console.log(`seeded ${N} clients, ${2 * N} bookings in ${(ms(t) / 1000).toFixed(1)} s`);
    await db.end();
  }

  const retention = app.strapi.plugin('consent').service('retention');
  const cutoff = new Date(Date.now());
  cutoff.setUTCMonth(cutoff.getUTCMonth() - MONTHS);

  const db = await connect(SCHEMA);
  const indexes = (
    await db.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'bookings_client_lnk'`
    )
  ).rows.map((r) => r.indexname);
  const naive = Number(
    (
      await db.query(
        `SELECT count(*) AS n FROM (
           SELECT c.id FROM clients c
           LEFT JOIN bookings_client_lnk l ON l.client_id = c.id LEFT JOIN bookings b ON b.id = l.booking_id
           LEFT JOIN consent_subjects s ON s.subject = c.document_id
           WHERE c.created_at < $1 AND c.document_id NOT IN (SELECT subject FROM consent_erasures)
           GROUP BY c.id
           HAVING coalesce(max(b.starts_at), '-infinity') < $1 AND coalesce(max(s.last_decision_at), '-infinity') < $1) x`,
        [cutoff]
      )
    ).rows[0].n
  );
  await db.end();

  const time = async <T>(fn: () => Promise<T>) => {
    const samples: number[] = [];
    let value: T | undefined;
    for (let i = 0; i < ROUNDS; i += 1) {
      const t = process.hrtime.bigint();
      value = await fn();
      samples.push(ms(t));
    }
    return {
      value: value as T,
      p50: round(quantile(samples, 0.5)),
      max: round(Math.max(...samples)),
    };
  };
  const count = await time(() => retention.count(cutoff) as Promise<number>);
  const first = await time(
    () => retention.page(cutoff, 0, 50) as Promise<{ clients: unknown[]; last: number | null }>
  );
  const middle = await time(
    () => retention.page(cutoff, Math.floor(N / 2), 50) as Promise<{ clients: unknown[] }>
  );
  await app.stop();

  const result = {
    at: new Date().toISOString(),
    clients: N,
    bookings: 2 * N,
    inactiveMonths: MONTHS,
    inactive: count.value,
    crossCheck: naive,
    countMatches: count.value === naive,
    joinTableIndexes: indexes,
    countMs: { p50: count.p50, max: count.max },
    firstPageMs: { p50: first.p50, max: first.max, rows: first.value.clients.length },
    middlePageMs: { p50: middle.p50, max: middle.max, rows: middle.value.clients.length },
  };
  console.log(JSON.stringify(result, null, 2));
  fs.writeFileSync(
    path.join(__dirname, 'results', 'retention-latest.json'),
    JSON.stringify(result, null, 2) + '\n'
  );
  if (!result.countMatches) process.exitCode = 1;
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
