/**
 * The baseline of the campaign bench: raw nodemailer, pooled, with the
 * provider's own options, sending mails like the plugin's (its own renderer, a
 * token per mail) to the same sink.
 */
import type { Core } from '@strapi/strapi';
import { ms, round } from '../lib';
import { accumulator, cpuPerMail, sendFigures, snapshot, type SendFigures } from './measure';
import type { Mail, Transport } from './provider';
import { checkSink, type Checks, type Sink } from './sink';

const TOKEN_PLACEHOLDER = 'T'.repeat(43);

/**
 * Messages like the plugin's: its own renderer (sender.renderer) on the demo's
 * purposes, texts and settings, one per locale, with a placeholder where the
 * link token goes; every mail gets its own token string (cheap, not random:
 * the baseline should cost what nodemailer costs) and its own recipient.
 */
export const makeRawMessages = async (strapi: Core.Strapi) => {
  const consent = strapi.plugin('consent');
  const settings = await consent.service('settings').get();
  const purposes = await consent.service('purposes').list();
  const email = strapi.config.get('plugin::email') as {
    settings?: { defaultFrom?: string; defaultReplyTo?: string };
  };
  const locales = ['da', 'sv', 'en'];
  const templates = await Promise.all(
    locales.map(async (locale) => {
      const current = await consent.service('texts').current(locale);
      const row = {
        id: 0,
        documentId: 'raw',
        subject: 'raw',
        kind: 'consent',
        purposeKeys: null,
        campaign: 'raw',
        attempts: 1,
      };
      const contact = {
        email: 'x@example.com',
        phone: null,
        name: 'Bench Client 54321',
        language: locale,
      };
      const message = consent
        .service('sender')
        .renderer(row, 'send', locale, settings, current, purposes, new Date(
            Date.now() + 7 * 86_400_000
          ))(contact.name, TOKEN_PLACEHOLDER) as {
        subject: string;
        text: string;
        html: string;
        headers: Record<string, string>;
      };
      return {
        subject: message.subject,
        text: message.text.split(TOKEN_PLACEHOLDER),
        html: message.html.split(TOKEN_PLACEHOLDER),
        headers: Object.entries(message.headers).map(
          ([k, v]) => [k, v.split(TOKEN_PLACEHOLDER)] as const
        ),
      };
    })
  );
  const from = settings.sender.from ?? email.settings?.defaultFrom;
  const replyTo = settings.sender.replyTo ?? email.settings?.defaultReplyTo;
  return (roundNo: number, i: number): Mail => {
    const t = templates[i % templates.length];
    const token = `${roundNo}x${i}`.padEnd(43, 'A');
    return {
      from,
      replyTo,
      to: `raw.${roundNo}.${i}@example.com`,
      subject: t.subject,
      text: t.text.join(token),
      html: t.html.join(token),
      headers: Object.fromEntries(t.headers.map(([k, v]) => [k, v.join(token)])),
      messageId: `<raw.${roundNo}.${i}.send.1@localhost>`,
    };
  };
};
export type RawMessages = Awaited<ReturnType<typeof makeRawMessages>>;

export interface RawRound extends SendFigures {
  round: number;
  checks: Checks;
}

/** N mails through one pooled transport, `window` in flight (refilled as each is accepted). */
export const rawSend = (
  transport: Transport,
  mail: (i: number) => Mail,
  n: number,
  window: number
) =>
  new Promise<number>((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed: Error | null = null;
    const pump = () => {
      while (!failed && next < n && next - done < window) {
        const i = next++;
        transport.sendMail(mail(i)).then(
          () => {
            done += 1;
            if (done === n) resolve(done);
            else pump();
          },
          (error: Error) => {
            failed ??= error;
            reject(error);
          }
        );
      }
    };
    if (n === 0) resolve(0);
    else pump();
  });

export const rawRound = async (
  transport: Transport,
  sink: Sink,
  mail: RawMessages,
  n: number,
  roundNo: number,
  window: number
): Promise<RawRound> => {
  await sink.reset('@example.com');
  const c0 = await snapshot(sink);
  const t = process.hrtime.bigint();
  const sent = await rawSend(transport, (i) => mail(roundNo, i), n, window);
  const seconds = ms(t) / 1000;
  const c1 = await snapshot(sink);
  const got = await sink.stats();
  const problems = checkSink(got, n);
  return {
    round: roundNo,
    ...sendFigures(sent, seconds, cpuPerMail(c0, c1, Math.max(sent, 1)), got),
    checks: { ok: problems.length === 0, problems },
  };
};

/**
 * The baseline's side of an interleaved round: `part(segment)` sends the next
 * share of n mails (recipients numbered on from the last part); `result()` sums
 * the parts' time and CPU. The sink is checked once, by the plugin's side.
 */
export const rawParts = (
  transport: Transport,
  sink: Sink,
  mail: RawMessages,
  n: number,
  roundNo: number,
  window: number,
  segments: number
) => {
  const cpu = accumulator();
  const perSegment = Math.ceil(n / segments);
  let sent = 0;
  const segmentRates: number[] = [];
  return {
    part: async () => {
      const count = Math.min(perSegment, n - sent);
      const a = await snapshot(sink);
      const t = process.hrtime.bigint();
      const offset = sent;
      const sentNow = await rawSend(transport, (i) => mail(roundNo, offset + i), count, window);
      sent += sentNow;
      const seconds = ms(t) / 1000;
      cpu.add(a, await snapshot(sink), seconds);
      segmentRates.push(round(sentNow / seconds, 1));
    },
    result: async (checks: Checks): Promise<RawRound> => {
      const [a, b] = cpu.pair();
      return {
        round: roundNo,
        ...sendFigures(
          sent,
          cpu.seconds(),
          cpuPerMail(a, b, Math.max(sent, 1)),
          await sink.stats()
        ),
        segmentRates,
        checks,
      };
    },
  };
};
