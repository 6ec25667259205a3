/**
 * The plugin's side of a campaign round: enqueue through the admin API
 * (POST /consent/campaigns), send with worker.drain() in this process, time
 * every claim and settle, check the rows and the sink, EXPLAIN the claim, and
 * time a second campaign over the open one.
 */
import type { Core } from '@strapi/strapi';
import type { TestApp } from '../../tests/helpers/app';
import { postgresTracker } from '../cpu';
import { ms, quantile, round, type Db } from '../lib';
import { normaliseSql, onQuery, patchService } from './hooks';
import {
  accumulator,
  cpuPerMail,
  sendFigures,
  snapshot,
  type CpuPerMail,
  type SendFigures,
} from './measure';
import { resetQueue } from './seed';
import { checkSink, type Checks, type Sink, type SinkStats } from './sink';

export interface Sender {
  /** How the sending is driven. */
  via: string;
  run: () => Promise<number>;
}

/** worker.drain() as the tests use it: passes of the worker (its `concurrency` batches in flight) until nothing is due. */
export const drainSender = (strapi: Core.Strapi): Sender => ({
  via: 'worker.drain()',
  run: async () => (await strapi.plugin('consent').service('worker').drain()).sent,
});

interface Enqueued {
  ms: number;
  status: number;
  campaign: string;
  total: number;
  queued: number;
  body: unknown;
}

const enqueue = async (app: TestApp, token: string, name: string): Promise<Enqueued> => {
  const t = process.hrtime.bigint();
  const res = await app
    .http()
    .post('/consent/campaigns')
    .set('authorization', `Bearer ${token}`)
    .send({ name, audience: { consent: 'invalid' } });
  const elapsed = ms(t);
  const data = res.body?.data ?? {};
  return {
    ms: round(elapsed, 1),
    status: res.status,
    campaign: data.documentId,
    total: Number(data.total),
    queued: Number(data.counts?.queued),
    body: res.status === 201 ? undefined : res.body,
  };
};

const checkPlugin = async (
  db: Db,
  sink: SinkStats,
  n: number,
  campaign: string,
  sinkTotal = n
): Promise<Checks & { rows: Record<string, number> }> => {
  const problems: string[] = [];
  const rows = Object.fromEntries(
    (
      await db.query(
        `SELECT status, count(*)::int AS n FROM consent_requests WHERE campaign = $1 GROUP BY status`,
        [campaign]
      )
    ).rows.map((r) => [r.status, r.n])
  ) as Record<string, number>;
  if ((rows.sent ?? 0) !== n || Object.keys(rows).length !== 1)
    problems.push(`request rows by status: ${JSON.stringify(rows)} (want ${n} sent)`);
  const leased = Number(
    (await db.query(`SELECT count(*) AS n FROM consent_requests WHERE lease_owner IS NOT NULL`))
      .rows[0].n
  );
  if (leased) problems.push(`${leased} rows still leased`);
  const tokens = Number((await db.query(`SELECT count(*) AS n FROM consent_tokens`)).rows[0].n);
  if (tokens !== n) problems.push(`${tokens} link tokens (want ${n})`);
  const status = (
    await db.query(`SELECT status FROM consent_campaigns WHERE document_id = $1`, [campaign])
  ).rows[0]?.status;
  if (status !== 'completed') problems.push(`campaign status ${status} (want completed)`);
  problems.push(...checkSink(sink, sinkTotal));
  return { ok: problems.length === 0, problems, rows };
};

/** Time of every claim, prepare and settle (per batch) and send (per message), to see them grow with the queue. */
const batchTimer = (strapi: Core.Strapi) => {
  const times: Record<'claim' | 'prepare' | 'settle' | 'send', number[]> = {
    claim: [],
    prepare: [],
    settle: [],
    send: [],
  };
  const undo: (() => void)[] = [];
  for (const [service, method, key] of [
    ['queue', 'claim', 'claim'],
    ['sender', 'prepare', 'prepare'],
    ['sender', 'settle', 'settle'],
    // One message at the provider: from hand-over to the mail server's answer.
    ['sender', 'sendOne', 'send'],
  ] as const) {
    undo.push(
      patchService(
        strapi,
        service,
        method,
        (original) =>
          async function timed(this: unknown, ...args: unknown[]) {
            const t = process.hrtime.bigint();
            try {
              return await original.apply(this, args);
            } finally {
              times[key].push(ms(t));
            }
          }
      )
    );
  }
  const describe = (values: number[]) => {
    const tenth = Math.max(1, Math.floor(values.length / 10));
    const mean = (v: number[]) => round(v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1), 2);
    return {
      count: values.length,
      p50: round(quantile(values, 0.5), 2),
      p95: round(quantile(values, 0.95), 2),
      firstTenthMean: mean(values.slice(0, tenth)),
      lastTenthMean: mean(values.slice(-tenth)),
      totalMs: round(
        values.reduce((a, b) => a + b, 0),
        0
      ),
    };
  };
  return {
    result: () => ({
      claim: describe(times.claim),
      prepare: describe(times.prepare),
      send: describe(times.send),
      settle: describe(times.settle),
    }),
    undo: () => undo.forEach((f) => f()),
  };
};

/**
 * The claim's plan with the queue full: the UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP
 * LOCKED) RETURNING * that queue.claim() sends, captured from knex and run again under
 * EXPLAIN ANALYZE in a transaction that is rolled back.
 */
const explainClaim = async (strapi: Core.Strapi, db: Db, batch: number) => {
  const captured: { sql: string; bindings: unknown[] }[] = [];
  const off = onQuery(strapi, (q) => {
    if (/^update "consent_requests" set "lease_owner"/i.test(q.sql)) captured.push(q);
  });
  const now = new Date();
  const t = process.hrtime.bigint();
  try {
    await strapi
      .plugin('consent')
      .service('queue')
      .claim('send', 'bench-explain', batch, now, new Date(now.getTime() + 60_000));
  } finally {
    off();
  }
  const claimMs = round(ms(t), 2);
  if (!captured[0]) return { claimMs, sql: null, plan: null };
  await db.query('BEGIN');
  try {
    const plan = await db.query(
      `EXPLAIN (ANALYZE, BUFFERS) ${captured[0].sql}`,
      captured[0].bindings
    );
    return {
      claimMs,
      sql: normaliseSql(captured[0].sql),
      plan: plan.rows.map((r) => r['QUERY PLAN'] as string),
    };
  } finally {
    await db.query('ROLLBACK');
  }
};

export interface PluginRound extends SendFigures {
  round: number;
  /** Round 1: the claim's plan with the second campaign's N rows queued. */
  claimPlan?: Awaited<ReturnType<typeof explainClaim>>;
  /** What-if rounds: the time of the step run between the enqueue and the send (e.g. ANALYZE). */
  afterEnqueueMs?: number;
  /** ms per batch: claim (the UPDATE ... RETURNING), send (prelude, render, SMTP and settle), settle. */
  batches: ReturnType<ReturnType<typeof batchTimer>['result']>;
  enqueue: Enqueued;
  /** CPU of the whole enqueue, in ms (not per mail): this process, the sink, the PostgreSQL backends. */
  enqueueCpu: CpuPerMail;
  checks: Checks & { rows: Record<string, number> };
  /** A second campaign while the first one's requests are still open (they are all superseded). */
  reEnqueue: { ms: number; total: number; superseded: number } | null;
}

const batchSize = async (strapi: Core.Strapi): Promise<number> =>
  (strapi.plugin('consent').service('config').get() as { worker: { batchSize: number } }).worker
    .batchSize;

export const pluginRound = async (
  app: TestApp,
  db: Db,
  sink: Sink,
  sender: Sender,
  token: string,
  n: number,
  roundNo: number,
  reEnqueue: boolean,
  options: {
    afterEnqueue?: () => Promise<void>;
    /**
     * Interleaved with the baseline: the campaign is sent in `segments` parts (its
     * rows held, a part released at a time), and `between(segment)` runs the
     * baseline's part of each segment, before the plugin's part in odd segments and
     * after it in even ones (AB BA ...), outside the plugin's timing. Both then see
     * the same machine: a speed that drifts over minutes cancels out.
     * `sinkTotal`: what the sink will have got in all (the baseline's mails too).
     */
    interleave?: {
      segments: number;
      between: (segment: number) => Promise<void>;
      sinkTotal: number;
    };
  } = {}
): Promise<PluginRound> => {
  await resetQueue(db);
  await sink.reset('@example.com');
  const c0 = await snapshot(sink);
  const pgEnqueue = postgresTracker(app.strapi);
  const queued = await enqueue(app, token, `Bench campaign round ${roundNo}`);
  const pgEnqueueMs = pgEnqueue();
  const c1 = await snapshot(sink);
  if (queued.status !== 201)
    throw new Error(`POST /consent/campaigns: ${queued.status} ${JSON.stringify(queued.body)}`);
  const ta = process.hrtime.bigint();
  await options.afterEnqueue?.();
  const afterEnqueueMs = options.afterEnqueue ? round(ms(ta), 1) : undefined;
  const segments = Math.max(1, options.interleave?.segments ?? 1);
  // Held rows are not due (the pause of a campaign holds them the same way); a part is released before each timed drain.
  if (segments > 1)
    await db.query(`UPDATE consent_requests SET held = true WHERE campaign = $1`, [
      queued.campaign,
    ]);
  const perSegment = Math.ceil(n / segments);
  const timer = batchTimer(app.strapi);
  const cpu = accumulator();
  let pgSendMs = 0;
  let sent = 0;
  const segmentRates: number[] = [];
  try {
    for (let segment = 0; segment < segments; segment += 1) {
      if (options.interleave && segment % 2 === 1) await options.interleave.between(segment);
      if (segments > 1) {
        await db.query(
          `UPDATE consent_requests SET held = false WHERE id IN (SELECT id FROM consent_requests WHERE campaign = $1 AND held ORDER BY id LIMIT $2)`,
          [queued.campaign, perSegment]
        );
      }
      const a = await snapshot(sink);
      const pgSend = postgresTracker(app.strapi);
      const t = process.hrtime.bigint();
      const sentNow = await sender.run();
      sent += sentNow;
      const seconds = ms(t) / 1000;
      segmentRates.push(round(sentNow / seconds, 1));
      pgSendMs += pgSend();
      cpu.add(a, await snapshot(sink), seconds);
      if (options.interleave && segment % 2 === 0) await options.interleave.between(segment);
    }
  } finally {
    timer.undo();
  }
  const seconds = cpu.seconds();
  const [c1s, c2] = cpu.pair();
  const got = await sink.stats();
  const checks = await checkPlugin(db, got, n, queued.campaign, options.interleave?.sinkTotal ?? n);

  let again: PluginRound['reEnqueue'] = null;
  if (reEnqueue) {
    const second = await enqueue(app, token, `Bench campaign round ${roundNo} again`);
    if (second.status !== 201)
      throw new Error(
        `second POST /consent/campaigns: ${second.status} ${JSON.stringify(second.body)}`
      );
    const superseded = Number(
      (
        await db.query(
          `SELECT count(*) AS n FROM consent_requests WHERE campaign = $1 AND status = 'cancelled'`,
          [queued.campaign]
        )
      ).rows[0].n
    );
    again = { ms: second.ms, total: second.total, superseded };
  }
  const claimPlan =
    reEnqueue && roundNo === 1
      ? await explainClaim(app.strapi, db, await batchSize(app.strapi))
      : undefined;
  return {
    round: roundNo,
    batches: timer.result(),
    claimPlan,
    afterEnqueueMs,
    enqueue: queued,
    enqueueCpu: cpuPerMail(c0, c1, 1, pgEnqueueMs),
    ...sendFigures(sent, seconds, cpuPerMail(c1s, c2, Math.max(sent, 1), pgSendMs), got),
    ...(segments > 1 ? { segmentRates } : {}),
    checks,
    reEnqueue: again,
  };
};
