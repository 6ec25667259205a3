/**
 * The diagnostic campaign (--diag): one lane (worker.concurrency 1), with the time of each
 * phase of a batch (claim, prelude incl. the shapes rendered, SMTP, settle), the calls per mail
 * of the services involved and the SQL statements per mail; with --cpu-prof
 * also CPU profiles of that plugin send and of a raw send.
 */
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import type { TestApp } from '../../tests/helpers/app';
import { RESULTS } from '../boot';
import { ms, round, type Db } from '../lib';
import { allocations, profiled, summariseProfile } from '../profile';
import { normaliseSql, onQuery, patchService } from './hooks';
import type { Sender } from './plugin';
import type { Transport } from './provider';
import { rawSend, type RawMessages } from './raw';
import { resetQueue } from './seed';
import { checkSink, type Sink } from './sink';

const PROFILES = path.join(RESULTS, 'profiles');

/** Wrap service methods to time them; returns the measures and an undo. */
const instrument = (strapi: Core.Strapi) => {
  const calls: Record<string, { count: number; ms: number }> = {};
  const undo: (() => void)[] = [];
  // Per phase: claim, prelude and settle one entry per batch; send one entry per
  // message (hand-over to the mail server's answer). The send pipeline overlaps
  // them: a batch is claimed and prepared while earlier messages are at the server.
  const phases = {
    claim: [] as number[],
    prelude: [] as number[],
    send: [] as number[],
    settle: [] as number[],
  };
  let renderMs = 0;
  let rendered = 0;

  const wrap = (
    service: string,
    method: string,
    hooks: { before?: () => void; after?: (elapsed: number) => void } = {}
  ) => {
    const key = `${service}.${method}`;
    calls[key] = { count: 0, ms: 0 };
    undo.push(
      patchService(
        strapi,
        service,
        method,
        (original) =>
          function timed(this: unknown, ...args: unknown[]) {
            const t = process.hrtime.bigint();
            hooks.before?.();
            calls[key].count += 1;
            const done = (value: unknown) => {
              const elapsed = ms(t);
              calls[key].ms += elapsed;
              hooks.after?.(elapsed);
              return value;
            };
            const result = original.apply(this, args);
            return result instanceof Promise ? result.then(done) : done(result);
          }
      )
    );
  };

  wrap('queue', 'claim', { after: (elapsed) => phases.claim.push(elapsed) });
  wrap('sender', 'prepare', { after: (elapsed) => phases.prelude.push(elapsed) });
  wrap('sender', 'sendOne', { after: (elapsed) => phases.send.push(elapsed) });
  // One call per shape of message in a batch (the messages themselves are built at hand-over, inside sendOne).
  wrap('sender', 'renderer', {
    after: (elapsed) => {
      renderMs += elapsed;
      rendered += 1;
    },
  });
  wrap('sender', 'settle', { after: (elapsed) => phases.settle.push(elapsed) });
  for (const [service, method] of [
    ['settings', 'get'],
    ['settings', 'cached'],
    ['subjects', 'contacts'],
    ['tokens', 'issue'],
    ['texts', 'current'],
    ['purposes', 'list'],
    ['delivery', 'send'],
    ['campaigns', 'campaignsWithoutReminder'],
    ['sender', 'campaignsWithoutReminder'],
  ] as const) {
    const target = strapi.plugin('consent').service(service) as Record<string, unknown>;
    if (typeof target?.[method] === 'function') wrap(service, method);
  }

  const statements = new Map<string, number>();
  undo.push(
    onQuery(strapi, (q) =>
      statements.set(normaliseSql(q.sql), (statements.get(normaliseSql(q.sql)) ?? 0) + 1)
    )
  );

  return {
    result: (mails: number) => {
      const perBatch = (values: number[]) =>
        round(values.reduce((t, v) => t + v, 0) / Math.max(values.length, 1), 2);
      const totalStatements = [...statements.values()].reduce((a, b) => a + b, 0);
      return {
        mails,
        batches: phases.settle.length,
        renderedShapes: rendered,
        phaseMsPerBatch: {
          claim: perBatch(phases.claim),
          prelude: perBatch(phases.prelude),
          sendPerMessage: perBatch(phases.send),
          settle: perBatch(phases.settle),
          renderCpu: round(renderMs / Math.max(phases.settle.length, 1), 2),
        },
        callsPerMail: Object.fromEntries(
          Object.entries(calls)
            .filter(([, c]) => c.count > 0)
            .map(([k, c]) => [
              k,
              { perMail: round(c.count / mails, 3), msPerCall: round(c.ms / c.count, 3) },
            ])
        ),
        statementsPerMail: round(totalStatements / mails, 2),
        statements: [...statements]
          .map(([sql, count]) => ({ sql, perMail: round(count / mails, 3) }))
          .sort((a, b) => b.perMail - a.perMail)
          .slice(0, 25),
      };
    },
    undo: () => undo.forEach((f) => f()),
  };
};

export const diagnose = async (
  app: TestApp,
  db: Db,
  sink: Sink,
  sender: Sender,
  transport: Transport,
  mail: RawMessages,
  n: number,
  { cpuProf, allocProf, window }: { cpuProf: boolean; allocProf: boolean; window: number }
) => {
  const { strapi } = app;
  await resetQueue(db);
  await sink.reset('@example.com');
  const subjects = (
    await db.query(`SELECT document_id FROM clients ORDER BY id LIMIT $1`, [n])
  ).rows.map((r) => r.document_id as string);
  await strapi
    .plugin('consent')
    .service('campaigns')
    .create({ name: 'Bench diagnostics', audience: { subjects } });
  // As shipped: the send pipeline overlaps a batch's claim and prepare with earlier messages at the server.
  const probe = instrument(strapi);
  let plugin;
  let pluginProfile = null;
  const t = process.hrtime.bigint();
  try {
    if (cpuProf) {
      const out = await profiled(path.join(PROFILES, 'campaign-plugin.cpuprofile'), () =>
        sender.run()
      );
      pluginProfile = summariseProfile(out.profile);
    } else if (allocProf) {
      const { result: _, ...out } = await allocations(() => sender.run());
      pluginProfile = out;
    } else await sender.run();
  } finally {
    plugin = probe.result(n);
    probe.undo();
  }
  const seconds = ms(t) / 1000;
  const got = await sink.stats();
  const problems = checkSink(got, n);
  let rawProfile = null;
  let rawSeconds = null;
  if (cpuProf) {
    await sink.reset('@example.com');
    const tr = process.hrtime.bigint();
    const out = await profiled(path.join(PROFILES, 'campaign-raw.cpuprofile'), () =>
      rawSend(transport, (i) => mail(999, i), n, window)
    );
    rawSeconds = round(ms(tr) / 1000, 2);
    rawProfile = summariseProfile(out.profile);
  } else if (allocProf) {
    await sink.reset('@example.com');
    const tr = process.hrtime.bigint();
    const { result: _, ...out } = await allocations(() =>
      rawSend(transport, (i) => mail(999, i), n, window)
    );
    rawSeconds = round(ms(tr) / 1000, 2);
    rawProfile = out;
  }
  return {
    ...plugin,
    seconds: round(seconds, 2),
    note: `the send pipeline as configured, ${cpuProf || allocProf ? 'under the profiler and with counters: slower than the measured rounds' : 'with counters'}`,
    problems,
    profiles:
      cpuProf || allocProf
        ? {
            kind: cpuProf ? 'cpu' : 'allocations',
            plugin: pluginProfile,
            raw: rawProfile,
            rawSeconds,
          }
        : null,
  };
};
export type Diagnostics = Awaited<ReturnType<typeof diagnose>>;
