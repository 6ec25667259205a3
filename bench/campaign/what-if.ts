/**
 * What-if rounds of the campaign bench: the plugin again with proposed changes
 * applied, cumulatively, in memory or in the bench schema only (nothing under
 * server/ changes), one plugin round each next to a raw round; reported apart,
 * never in the target figures.
 */
import type { Core } from '@strapi/strapi';
import type { TestApp } from '../../tests/helpers/app';
import { fmt, round, type Db } from '../lib';
import { patchService } from './hooks';
import { pluginRound, type PluginRound, type Sender } from './plugin';
import type { Transport } from './provider';
import { rawRound, type RawMessages, type RawRound } from './raw';
import type { Sink } from './sink';

const WHAT_IF: Record<string, string> = {
  analyze:
    'ANALYZE consent_requests right after the campaign is queued (the statistics predate the campaign otherwise: autovacuum is off here)',
  reads:
    'the per-mail reads removed, in memory: settings.get() answered from memory for 5 s (delivery.send reads the core store once per mail); ' +
    'texts.current(locale) answered from memory for 5 s (sender.send reads it once per mail: its check-then-await inside Promise.all races); ' +
    'Intl.DateTimeFormat instances reused (render.ts formatDate builds one per mail)',
  index:
    'an index on consent_requests (status, held, next_attempt_at, id), so the claim reads its 100 rows in order instead of sorting every queued row',
  conc: 'worker.concurrency set to N (concN) for the round: batches in flight at once in the instance',
  batch:
    'worker.batchSize set to N (batchN) for the round: fewer per-batch round trips and barriers per mail',
  transport:
    "delivery.send hands the plugin's messages straight to the baseline's own nodemailer transport (not Strapi's email service, its provider and transporter): what those layers cost",
};
const describeWhatIf = (key: string) =>
  key.startsWith('batch')
    ? WHAT_IF.batch.replace('N (batchN)', key.slice(5))
    : key.startsWith('conc')
      ? WHAT_IF.conc.replace('N (concN)', key.slice(4))
      : WHAT_IF[key];
const DEFAULT_WHAT_IF =
  'analyze;analyze+reads;analyze+reads+index;analyze+reads+index+conc3;analyze+reads+index+batch500';

/** `--what-if "a;a+b;..."` (default: every stage) as lists of changes; `none` gives none. Refuses an unknown change. */
export const parseWhatIf = (value: string | undefined): string[][] => {
  const combos = (value ?? DEFAULT_WHAT_IF)
    .split(';')
    .filter((c) => c && c !== 'none')
    .map((c) => c.split('+'));
  for (const key of combos.flat()) {
    if (!WHAT_IF[key] && !/^(batch|conc)\d+$/.test(key)) {
      throw new Error(
        `--what-if takes combinations like "analyze;analyze+reads" of ${Object.keys(WHAT_IF).join(', ')} (batchN), or none; not "${key}"`
      );
    }
  }
  return combos;
};

/** `reads`: settings.get() and texts.current(locale) memoised for 5 s, Intl.DateTimeFormat instances reused; returns the undo. */
const removeReads = (strapi: Core.Strapi) => {
  const undo: (() => void)[] = [];
  const memo = (
    service: string,
    method: string,
    keyOf: (args: unknown[]) => string,
    ttlMs: number
  ) => {
    const cache = new Map<string, { at: number; value: unknown }>();
    undo.push(
      patchService(
        strapi,
        service,
        method,
        (original) =>
          function memoised(this: unknown, ...args: unknown[]) {
            const key = keyOf(args);
            const hit = cache.get(key);
            if (hit && Date.now() - hit.at < ttlMs) return hit.value;
            const value = original.apply(this, args);
            cache.set(key, { at: Date.now(), value });
            return value;
          }
      )
    );
  };
  memo('settings', 'get', () => '', 5000);
  memo('texts', 'current', (args) => String(args[0]), 5000);
  const Original = Intl.DateTimeFormat;
  const formats = new Map<string, Intl.DateTimeFormat>();
  Intl.DateTimeFormat = new Proxy(Original, {
    construct(target, args) {
      const key = JSON.stringify(args);
      let format = formats.get(key);
      if (!format)
        formats.set(key, (format = Reflect.construct(target, args) as Intl.DateTimeFormat));
      return format;
    },
  });
  undo.push(() => {
    Intl.DateTimeFormat = Original;
  });
  return () => undo.reverse().forEach((f) => f());
};

/** `transport`: delivery.send straight to a raw nodemailer transport, with the fields the provider would pass; returns the undo. */
const direct = (strapi: Core.Strapi, transport: Transport) => {
  const email = strapi.config.get('plugin::email') as {
    settings?: { defaultFrom?: string; defaultReplyTo?: string };
  };
  return patchService(
    strapi,
    'delivery',
    'send',
    () => async (_channel: unknown, to: unknown, message: unknown, options: unknown) => {
      const m = message as {
        subject: string;
        text: string;
        html: string;
        headers: Record<string, string>;
      };
      await transport.sendMail({
        from: email.settings?.defaultFrom,
        replyTo: email.settings?.defaultReplyTo,
        to: to as string,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: m.headers,
        messageId: (options as { messageId: string }).messageId,
      });
    }
  );
};

export interface WhatIf {
  stage: string;
  changes: string[];
  plugin: PluginRound;
  raw: RawRound;
  ratio: number;
}

interface Bench {
  app: TestApp;
  db: Db;
  sink: Sink;
  sender: Sender;
  token: string;
  transport: Transport;
  mail: RawMessages;
  /** The worker's live config: batchN and concN change it for their round. */
  workerConfig: { batchSize: number; concurrency?: number };
}

/** One plugin round (numbered 100 + w) and one raw round per combination, each change undone after its plugin round. */
export const whatIfRounds = async (
  bench: Bench,
  combos: string[][],
  { clients, window }: { clients: number; window: number }
): Promise<WhatIf[]> => {
  const { app, db, sink, sender, token, transport, mail, workerConfig } = bench;
  const whatIf: WhatIf[] = [];
  for (let w = 0; w < combos.length; w += 1) {
    const combo = combos[w];
    const undo: (() => Promise<void> | void)[] = [];
    let p: PluginRound;
    try {
      if (combo.includes('reads')) undo.push(removeReads(app.strapi));
      if (combo.includes('transport')) undo.push(direct(app.strapi, transport));
      if (combo.includes('index')) {
        await db.query(
          `CREATE INDEX bench_claim_order_idx ON consent_requests (status, held, next_attempt_at, id)`
        );
        undo.push(() =>
          db.query('DROP INDEX IF EXISTS bench_claim_order_idx').then(() => undefined)
        );
      }
      for (const [prefix, key] of [
        ['batch', 'batchSize'],
        ['conc', 'concurrency'],
      ] as const) {
        const change = combo.find((k) => k.startsWith(prefix));
        if (!change) continue;
        const before = workerConfig[key];
        workerConfig[key] = Number(change.slice(prefix.length));
        undo.push(() => {
          Object.assign(workerConfig, { [key]: before });
        });
      }
      const afterEnqueue = combo.includes('analyze')
        ? () => db.query('ANALYZE consent_requests').then(() => undefined)
        : undefined;
      p = await pluginRound(app, db, sink, sender, token, clients, 100 + w, false, {
        afterEnqueue,
      });
    } finally {
      for (const f of undo.reverse()) await f();
    }
    const q = await rawRound(transport, sink, mail, clients, 100 + w, window);
    const entry = {
      stage: combo.join('+'),
      changes: combo.map(describeWhatIf),
      plugin: p,
      raw: q,
      ratio: round(p.mailsPerSecond / q.mailsPerSecond, 3),
    };
    whatIf.push(entry);
    console.log(
      `what-if ${entry.stage}: enqueue ${fmt(p.enqueue.ms, 0)} ms${p.afterEnqueueMs !== undefined ? ` (+ ANALYZE ${fmt(p.afterEnqueueMs, 0)} ms)` : ''}, plugin ${fmt(p.mailsPerSecond)} mails/s (CPU per mail: sender ${fmt(p.cpu.senderMs, 3)} ms, ` +
        `PostgreSQL ${fmt(p.cpu.postgresMs, 3)} ms; claim p50 ${fmt(p.batches.claim.p50, 2)} ms, settle p50 ${fmt(p.batches.settle.p50, 2)} ms), ` +
        `raw ${fmt(q.mailsPerSecond)} mails/s, ratio ${fmt(entry.ratio, 3)}; ` +
        `${p.checks.ok && q.checks.ok ? 'checks OK' : `CHECKS FAILED: ${[...p.checks.problems, ...q.checks.problems].join('; ')}`}`
    );
  }
  return whatIf;
};
