/**
 * The campaign bench's report: which plugin code ran, the figures over the
 * rounds against the targets, the console table (with the claim's plan, the
 * what-if stages and the diagnostics) and bench/results/campaign-latest.json.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, writeResults } from '../boot';
import { fmt, medianInterval, quantile, round } from '../lib';
import type { Diagnostics } from './diagnose';
import type { PluginRound } from './plugin';
import type { RawRound } from './raw';
import type { WhatIf } from './what-if';

export const TARGET = { enqueueMs: 3000, ratio: 0.8 };

const stats = (values: number[]) => ({
  median: round(quantile(values, 0.5), 3),
  min: round(Math.min(...values), 3),
  max: round(Math.max(...values), 3),
});

/** Which plugin code ran: the commit, the files under server/ that differ from it, the build's time. */
export const codeVersion = () => {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  const built = path.join(ROOT, 'dist', 'server', 'index.js');
  return {
    commit: git(['rev-parse', '--short', 'HEAD']),
    serverChanges: (git(['status', '--porcelain', '--', 'server', 'content-types']) ?? '')
      .split('\n')
      .filter(Boolean),
    built: fs.existsSync(built) ? fs.statSync(built).mtime.toISOString() : null,
  };
};

/** The settings the report shows (the CLI's settings, all of them written to the JSON). */
interface ReportSettings {
  clients: number;
  rounds: number;
  pool: number;
  batch: number;
  reEnqueue: boolean;
}

export interface Report {
  settings: ReportSettings;
  /** Written to the JSON as `settings` next to the CLI's settings. */
  run: { via: string; worker: { batchSize: number; concurrency?: number } };
  nodemailer: string;
  code: ReturnType<typeof codeVersion>;
  noDelay: boolean;
  plugin: PluginRound[];
  raw: RawRound[];
  whatIf: WhatIf[];
  diagnostics: Diagnostics | null;
  pgSettings: Record<string, string>;
  seeded: { clients: number; ms: number };
}

const summarise = ({ settings, plugin, raw, noDelay }: Report) => {
  const perRound = plugin.map((p, i) => ({
    round: p.round,
    ratio: round(p.mailsPerSecond / raw[i].mailsPerSecond, 3),
  }));
  // Interleaved rounds: segment k of the plugin and of the baseline ran back to back, so each pair is a ratio of its own.
  const pairs = plugin.flatMap((p, i) =>
    (p.segmentRates ?? []).flatMap((rate, k) => {
      const baseline = raw[i]?.segmentRates?.[k];
      return baseline ? [round(rate / baseline, 3)] : [];
    })
  );
  const segmentPairs = pairs.length
    ? {
        count: pairs.length,
        median: round(quantile(pairs, 0.5), 3),
        interval95: medianInterval(pairs),
      }
    : null;
  const summary = {
    enqueueMs: stats(plugin.map((p) => p.enqueue.ms)),
    queued: plugin.map((p) => p.enqueue.total),
    pluginMailsPerSecond: stats(plugin.map((p) => p.mailsPerSecond)),
    rawMailsPerSecond: stats(raw.map((p) => p.mailsPerSecond)),
    ratio: stats(perRound.map((p) => p.ratio)),
    reEnqueueMs: settings.reEnqueue ? stats(plugin.map((p) => p.reEnqueue?.ms ?? NaN)) : null,
    cpuPerMail: {
      plugin: {
        senderMs: stats(plugin.map((p) => p.cpu.senderMs)).median,
        postgresMs: stats(plugin.map((p) => p.cpu.postgresMs)).median,
        sinkMs: stats(plugin.map((p) => p.cpu.sinkMs)).median,
      },
      raw: {
        senderMs: stats(raw.map((p) => p.cpu.senderMs)).median,
        postgresMs: stats(raw.map((p) => p.cpu.postgresMs)).median,
        sinkMs: stats(raw.map((p) => p.cpu.sinkMs)).median,
      },
    },
    bytesPerMail: { plugin: plugin[0]?.bytesPerMail, raw: raw[0]?.bytesPerMail },
    pool: settings.pool,
    noDelaySockets: noDelay,
    checksOk: plugin.every((p) => p.checks.ok) && raw.every((p) => p.checks.ok),
    segmentPairs,
  };
  const pass = {
    enqueue:
      summary.enqueueMs.median <= TARGET.enqueueMs &&
      summary.queued.every((q) => q === settings.clients),
    throughput: summary.ratio.median >= TARGET.ratio,
  };
  return { perRound, summary, pass };
};

const print = (report: Report, { summary, pass }: ReturnType<typeof summarise>) => {
  const { settings, run, noDelay, plugin, whatIf, diagnostics } = report;
  console.log(
    `\nCampaign to ${settings.clients.toLocaleString('en')} clients, PostgreSQL, production mode, ${settings.rounds} rounds (raw/plugin alternating), ` +
      `pool ${settings.pool} connections${noDelay ? ' with no-delay sockets' : ''}, batch ${run.worker.batchSize}, worker concurrency ${run.worker.concurrency ?? 1}, ${os.cpus().length} CPUs`
  );
  const line = (
    label: string,
    s: { median: number; min: number; max: number },
    d = 1,
    extra = ''
  ) =>
    console.log(
      `${label.padEnd(34)}${fmt(s.median, d).padStart(10)}   (${fmt(s.min, d)} - ${fmt(s.max, d)})${extra}`
    );
  console.log(`${''.padEnd(34)}${'median'.padStart(10)}   (min - max)`);
  line(
    'enqueue (ms)',
    summary.enqueueMs,
    0,
    `   target <= ${TARGET.enqueueMs}: ${pass.enqueue ? 'PASS' : 'FAIL'}`
  );
  console.log(`${'queued'.padEnd(34)}${summary.queued.join(', ').padStart(10)}`);
  line('plugin (mails/s)', summary.pluginMailsPerSecond);
  line('raw nodemailer (mails/s)', summary.rawMailsPerSecond);
  line(
    'ratio plugin / raw (per round)',
    summary.ratio,
    3,
    `   target >= ${TARGET.ratio}: ${pass.throughput ? 'PASS' : 'FAIL'}`
  );
  const sp = summary.segmentPairs;
  if (sp) {
    const i = sp.interval95;
    console.log(
      `${'ratio per segment pair (median)'.padEnd(34)}${fmt(sp.median, 3).padStart(10)}   ` +
        `(95 % interval of the median ${i ? `${fmt(i[0], 3)} - ${fmt(i[1], 3)}` : 'n/a'}, ${sp.count} pairs, bootstrap)` +
        (i && i[0] < TARGET.ratio && i[1] >= TARGET.ratio
          ? `; contains ${TARGET.ratio}: this run alone does not settle the target`
          : '')
    );
  }
  if (summary.reEnqueueMs)
    line(
      're-enqueue over an open campaign',
      summary.reEnqueueMs,
      0,
      '   (supersedes N open requests; not a target)'
    );
  console.log(
    `CPU per mail, plugin: sender ${fmt(summary.cpuPerMail.plugin.senderMs, 3)} ms, PostgreSQL ${fmt(summary.cpuPerMail.plugin.postgresMs, 3)} ms, ` +
      `sink ${fmt(summary.cpuPerMail.plugin.sinkMs, 3)} ms; raw: sender ${fmt(summary.cpuPerMail.raw.senderMs, 3)} ms, sink ${fmt(summary.cpuPerMail.raw.sinkMs, 3)} ms`
  );
  console.log(
    `bytes per mail at the sink: plugin ${summary.bytesPerMail.plugin}, raw ${summary.bytesPerMail.raw}`
  );
  console.log(
    `checks (N mails, N distinct recipients, every row sent): ${summary.checksOk ? 'OK' : 'FAILED'}`
  );
  const b = plugin[0]?.batches;
  if (b) {
    console.log(
      `per batch of ${settings.batch}, round 1 (ms): claim p50 ${fmt(b.claim.p50, 2)} / p95 ${fmt(b.claim.p95, 2)} ` +
        `(first tenth ${fmt(b.claim.firstTenthMean, 2)}, last tenth ${fmt(b.claim.lastTenthMean, 2)}), prepare (contacts, tokens, render) p50 ${fmt(b.prepare?.p50 ?? NaN, 2)}, SMTP+settle p50 ${fmt(b.send.p50, 1)}, settle p50 ${fmt(b.settle.p50, 2)}`
    );
  }
  const plan = plugin[0]?.claimPlan;
  if (plan?.plan) {
    console.log(
      `claim with ${settings.clients} rows queued (and ${settings.clients} cancelled): ${plan.claimMs} ms; plan:`
    );
    for (const l of plan.plan) console.log(`  ${l}`);
  }
  if (whatIf.length) {
    console.log(
      'what-if (cumulative; patched in memory / in the bench schema, not the plugin as shipped):'
    );
    for (const w of whatIf) {
      console.log(
        `  ${w.stage.padEnd(40)} plugin ${fmt(w.plugin.mailsPerSecond).padStart(7)} mails/s, raw ${fmt(w.raw.mailsPerSecond).padStart(7)}, ratio ${fmt(w.ratio, 3)}, enqueue ${fmt(w.plugin.enqueue.ms, 0)} ms`
      );
    }
  }

  if (diagnostics) {
    const d = diagnostics;
    console.log(
      `\nDiagnostics, ${d.mails} mails (${d.note}): ${d.seconds} s, ${d.batches} batches, ${d.statementsPerMail} SQL statements per mail`
    );
    console.log(
      `  per batch (ms): ${Object.entries(d.phaseMsPerBatch)
        .map(([k, v]) => `${k} ${fmt(v, 2)}`)
        .join(', ')}`
    );
    console.log('  service calls per mail (ms per call):');
    for (const [k, v] of Object.entries(d.callsPerMail))
      console.log(`    ${fmt(v.perMail, 3).padStart(7)}  ${k} (${fmt(v.msPerCall, 3)} ms)`);
    console.log('  SQL statements per mail:');
    for (const s of d.statements.slice(0, 15))
      console.log(`    ${fmt(s.perMail, 3).padStart(7)}  ${s.sql}`);
    if (d.profiles) {
      for (const [name, p] of [
        ['plugin', d.profiles.plugin],
        ['raw', d.profiles.raw],
      ] as const) {
        if (!p) continue;
        if ('allocatedMb' in p) {
          const perMail = (p.allocatedMb * 1024) / d.mails;
          console.log(
            `  allocations, ${name}: ${p.allocatedMb} MB (${fmt(perMail, 1)} KB per mail); GC: ${p.gc.minor} scavenges ${p.gc.minorMs} ms, ` +
              `${p.gc.major} mark-compacts ${p.gc.majorMs} ms, other ${p.gc.otherMs} ms; by area:`
          );
          for (const a of p.byArea.slice(0, 10))
            console.log(
              `    ${fmt(a.share * 100, 1).padStart(5)} %  ${fmt(a.mb, 1).padStart(7)} MB  ${a.name}`
            );
          console.log(`  top allocating functions (${name}):`);
          for (const f of p.byFunction.slice(0, 15))
            console.log(
              `    ${fmt(f.share * 100, 1).padStart(5)} %  ${fmt(f.mb, 1).padStart(7)} MB  ${f.name}`
            );
          continue;
        }
        console.log(`  CPU profile, ${name} (${p.sampledMs} ms sampled), self time by area:`);
        for (const a of p.byArea.slice(0, 10))
          console.log(`    ${fmt(a.share * 100, 1).padStart(5)} %  ${a.name}`);
        console.log(`  top functions (${name}):`);
        for (const f of p.byFunction.slice(0, 12))
          console.log(`    ${fmt(f.share * 100, 1).padStart(5)} %  ${f.name}`);
      }
    }
    if (d.problems.length) console.log(`  diagnostic run problems: ${d.problems.join('; ')}`);
  }
};

/** Print the table and write bench/results/campaign-latest.json. */
export const report = (r: Report): void => {
  const figures = summarise(r);
  print(r, figures);
  const { summary, pass, perRound } = figures;
  writeResults('campaign-latest.json', {
    nodemailer: r.nodemailer,
    settings: {
      ...r.settings,
      database: 'postgres',
      mode: process.env.BENCH_NODE_ENV ?? 'production',
      via: r.run.via,
      worker: { ...r.run.worker },
    },
    code: r.code,
    target: TARGET,
    pass,
    summary,
    perRound,
    plugin: r.plugin.map(({ enqueue: e, ...rest }) => ({
      ...rest,
      enqueue: { ms: e.ms, total: e.total, queued: e.queued },
    })),
    raw: r.raw,
    whatIf: r.whatIf.length
      ? r.whatIf.map((w) => ({
          ...w,
          plugin: {
            ...w.plugin,
            enqueue: { ms: w.plugin.enqueue.ms, total: w.plugin.enqueue.total },
          },
        }))
      : null,
    postgres: r.pgSettings,
    seeded: r.seeded,
    diagnostics: r.diagnostics,
  });
};
