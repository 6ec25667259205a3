import os from 'node:os';
import { informationDetail } from '../messages/information';
import type { Core } from '@strapi/strapi';
import { randomBytes } from 'node:crypto';
import { normaliseBoolean } from '../domain/chain';
import { defaultTemplateSet } from '../messages/default-templates';
import { messageRenderer } from '../messages/render';
import type { MessageKind, RenderedMessage } from '../messages/types';
import { getService } from '../utils/get-service';
import { runSendPipeline } from '../utils/send-pipeline';
import { askablePurposes } from './requests';
import type { ClaimedRow, ClaimKind } from './queue';
import type { Settings } from './settings';
import type { Contact } from '../host';
import type { Decision } from '../contracts';
import { own } from '../utils/own';
import { localisedPurpose } from '../contracts';
import { isLeftToAsk } from '../domain/asking';
import { dialectOf } from '../utils/dialect';
import { campaignOptions, decidedSince, deleteTokensSince, narrowQueued } from './queries';

const DAY = 24 * 60 * 60 * 1000;

type CurrentTexts = Awaited<ReturnType<ReturnType<typeof getService<'texts'>>['current']>>;
type PurposeList = Awaited<ReturnType<ReturnType<typeof getService<'purposes'>>['list']>>;

interface Outcome {
  row: ClaimedRow;
  channel?: 'email' | 'sms';
  locale?: string;
  /** Set when the send failed; `final` when retrying cannot help (no address). */
  error?: { message: string; final: boolean };
  /** Set when nothing is left to ask (the client decided after the campaign queued it): cancelled, not sent. */
  cancel?: string;
}

/** A claimed batch, ready to leave. */
export interface PreparedBatch {
  kind: ClaimKind;
  now: Date;
  expiresAt: Date;
  settings: Settings;
  plans: Outcome[];
  /** Each message is built when it is handed over (`message()`): a batch waiting behind the window holds no mail bodies. */
  messages: { plan: Outcome; to: string; messageId: string; message: () => RenderedMessage }[];
  /** Rows claimed; `full` when the claim filled a whole batch (more may be due). */
  size: number;
  full: boolean;
}

/** Sends claimed requests: chooses the channel, issues link tokens, renders, delivers, settles the rows. */
const sender = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  // Whether a campaign sends reminders and asks refusals again: set when it is created and
  // never changed, so each campaign is read once, not once per batch.
  const optionsOf = new Map<string, { reminder: boolean; askAgainRefused: boolean }>();
  // The rows each running pass holds, by id: whether its message left (accepted by the
  // mail server). What a failed pass or a shutdown that stops waiting releases.
  const passes = new Set<Map<number, boolean>>();

  const baseUrl = (): string => {
    const configured =
      getService(strapi, 'config').get().publicUrl ?? strapi.config.get<string>('server.url', '');
    if (configured) return configured.replace(/\/+$/, '');
    return `http://${strapi.config.get<string>('server.host', 'localhost').replace('0.0.0.0', 'localhost')}:${strapi.config.get<number>('server.port', 1337)}`;
  };

  return {
    owner(): string {
      return owner;
    },

    /**
     * Claim one batch and make it ready to leave: channels chosen, link tokens
     * committed, messages rendered. Null when nothing is due. The send pipeline claims
     * the next batch while earlier messages are still with the mail server.
     */
    async claim(kind: ClaimKind, pass?: Map<number, boolean>): Promise<PreparedBatch | null> {
      const { worker } = getService(strapi, 'config').get();
      const now = getService(strapi, 'clock').now();
      const { rows, purposesVersion } = await getService(strapi, 'queue').claim(
        kind,
        owner,
        worker.batchSize,
        now,
        new Date(now.getTime() + worker.leaseSeconds * 1000)
      );
      if (rows.length === 0) return null;
      // Held from here on: if preparing fails (tokens not written, the database gone), the pass releases them.
      for (const row of rows) pass?.set(row.id, false);
      return this.prepare(rows, kind, now, purposesVersion);
    },

    /** `purposesVersion`: read with the rows (queue.claim); while it is unchanged, no purposes or texts are read again. */
    async prepare(
      rows: ClaimedRow[],
      kind: ClaimKind,
      now: Date,
      purposesVersion: string | null = null
    ): Promise<PreparedBatch> {
      const config = getService(strapi, 'config').get();
      const settings = await getService(strapi, 'settings').cached();
      const contacts = await getService(strapi, 'subjects').contacts([
        ...new Set(rows.map((r) => r.subject)),
      ]);
      const delivery = getService(strapi, 'delivery');
      // The purposes as of the claim (re-used while unchanged).
      const purposes = await getService(strapi, 'purposes').listAt(purposesVersion);
      // A campaign's request asks what was left to ask when it was queued: what the client
      // decided since is not asked again (narrowed here, before the message is made).
      const left = kind === 'send' ? await this.leftToAsk(rows, purposes, now) : new Map();

      // Where each request goes; rows without a usable address fail for good.
      const plans: Outcome[] = rows.map((row) =>
        left.get(row.id)?.length === 0
          ? { row, cancel: 'nothing left to ask: the client decided after the campaign queued it' }
          : this.plan(row, contacts.get(row.subject) ?? null, settings, delivery.canSms())
      );
      const sendable = plans.filter((p) => !p.error && !p.cancel);

      // Tokens are stored (hashed) and committed before any message leaves: a link must work when it arrives.
      // One statement (tokens.issue), committed on its own.
      const tokens = await getService(strapi, 'tokens').issue(
        strapi.db.connection,
        sendable.map((p) => ({ request: p.row.documentId, subject: p.row.subject })),
        new Date(now.getTime() + config.manageLinkDays * DAY)
      );

      const expiresAt = new Date(now.getTime() + settings.requestTtlDays * DAY);
      // The purposes' current texts once per locale of the batch (published versions, kept once read).
      const locales = [...new Set(sendable.map((p) => p.locale as string))];
      const texts = new Map(
        await Promise.all(
          locales.map(
            async (locale) =>
              [locale, await getService(strapi, 'texts').currentOf(purposes, locale)] as const
          )
        )
      );
      // Information mails say, per purpose, whether this client consented: read for the batch at once.
      const consented = await getService(strapi, 'states').consentedPurposes(
        [
          ...new Set(
            sendable.filter((p) => p.row.kind === 'information').map((p) => p.row.subject)
          ),
        ],
        purposes
      );
      const host = new URL(baseUrl()).hostname;
      // A batch's messages share a few shapes (language, kind, purposes asked, expiry): each
      // shape is rendered once, and a message only adds its client's name and its token.
      const renderers = new Map<string, ReturnType<typeof this.renderer>>();
      const messages = sendable.map((plan, i) => {
        const contact = contacts.get(plan.row.subject)!;
        const locale = plan.locale as string;
        const expiry = kind === 'remind' ? new Date(plan.row.expiresAt as string) : expiresAt;
        const given = consented.get(plan.row.subject) ?? null;
        const shape = `${locale}|${plan.row.kind}|${plan.row.origin ? 'confirmation' : ''}|${plan.row.purposeKeys?.join(',') ?? '*'}|${expiry.getTime()}|${given ? [...given].sort().join(',') : ''}`;
        let render = renderers.get(shape);
        if (!render) {
          render = this.renderer(
            plan.row,
            kind,
            locale,
            settings,
            texts.get(locale)!,
            purposes,
            expiry,
            given
          );
          renderers.set(shape, render);
        }
        const token = tokens[i];
        return {
          plan,
          to: plan.channel === 'email' ? contact.email! : contact.phone!,
          // The same id on every attempt: a copy sent again after a crash can be recognised.
          messageId: `<${plan.row.documentId}.${kind}@${host}>`,
          message: () => render(contact.name, token),
        };
      });
      return {
        kind,
        now,
        expiresAt,
        settings,
        plans,
        messages,
        size: rows.length,
        full: rows.length === config.worker.batchSize,
      };
    },

    /**
     * Send every due row of a kind through the send pipeline; resolves with the rows settled.
     * Every send has a deadline (worker.sendTimeoutMs): one still unanswered then is a
     * failed attempt, and the email provider is made anew. If the pass fails (a claim,
     * a write, the database), the rows it holds whose message did not leave are released
     * at once instead of waiting out their lease.
     */
    async sendDue(kind: ClaimKind, stopped: () => boolean = () => false): Promise<number> {
      const { batchSize, concurrency, sendTimeoutMs } = getService(strapi, 'config').get().worker;
      let settled = 0;
      const pass = new Map<number, boolean>();
      passes.add(pass);
      try {
        await runSendPipeline<PreparedBatch, PreparedBatch['messages'][number]>({
          claim: () => this.claim(kind, pass),
          more: (batch) => batch.full,
          send: async (item) => {
            if (await this.sendOne(item)) pass.set(item.plan.row.id, true);
          },
          settle: async (batch) => {
            await this.settleBatch(batch);
            for (const plan of batch.plans) pass.delete(plan.row.id);
            settled += batch.size;
          },
          // `concurrency` batches' worth of messages at the provider, and as many
          // batches held at once: the ones being sent and the one prepared behind them.
          window: batchSize * concurrency,
          ahead: concurrency - 1,
          stopped,
          deadlineMs: sendTimeoutMs,
          timedOut: ({ plan }) => {
            const message = `no answer within ${sendTimeoutMs} ms`;
            plan.error = { message, final: false };
            if (plan.channel === 'email')
              getService(strapi, 'delivery').replaceEmailProvider(`a mail got ${message}`);
          },
        });
      } catch (error) {
        await this.releaseUnsent(
          pass,
          `the sending pass failed (${error instanceof Error ? error.message : String(error)})`
        );
        throw error;
      } finally {
        passes.delete(pass);
      }
      return settled;
    },

    /**
     * Hand back the rows of running passes (or of one) whose message has not left:
     * their lease ends now, so another pass (or instance) takes them at once. Rows
     * whose message left keep their lease: they were mailed, and the settle may still
     * write them. Returns how many rows were released.
     */
    async releaseUnsent(only: Map<number, boolean> | null, reason: string): Promise<number> {
      const ids = [...(only ? [only] : passes)].flatMap((pass) =>
        [...pass].filter(([, sent]) => !sent).map(([id]) => id)
      );
      if (ids.length === 0) return 0;
      try {
        const released = await getService(strapi, 'queue').release(
          ids,
          owner,
          getService(strapi, 'clock').now()
        );
        strapi.log.warn(`[consent] ${reason}: released ${released} unsent request(s) at once`);
        return released;
      } catch (releaseError) {
        strapi.log.error(
          `[consent] ${reason}; releasing ${ids.length} unsent request(s) failed too (${releaseError instanceof Error ? releaseError.message : String(releaseError)}): they are sent again when their lease ends`
        );
        return 0;
      }
    },

    /** One message to the mail server / SMS gateway; a failure is recorded on its plan, never thrown. Whether it was accepted. */
    async sendOne({
      plan,
      to,
      message,
      messageId,
    }: PreparedBatch['messages'][number]): Promise<boolean> {
      try {
        await getService(strapi, 'delivery').send(plan.channel!, to, message(), { messageId });
        return true;
      } catch (error) {
        plan.error = {
          message: error instanceof Error ? error.message : String(error),
          final: false,
        };
        return false;
      }
    },

    /**
     * Settle a batch whose messages were answered. Its mails have left: if the write
     * fails (a dropped connection, the database restarting), it is tried again while
     * the claim's lease still has half its time, so the rows are not taken for unsent
     * and mailed again when the lease runs out. settle() is idempotent: it only
     * touches rows this instance still holds.
     */
    async settleBatch(batch: PreparedBatch): Promise<void> {
      const { leaseSeconds } = getService(strapi, 'config').get().worker;
      const deadline = Date.now() + (leaseSeconds * 1000) / 2;
      for (let attempt = 0; ; attempt += 1) {
        try {
          await this.settle(batch.plans, batch.kind, batch.now, batch.expiresAt, batch.settings);
          return;
        } catch (error) {
          const wait = Math.min(250 * 2 ** attempt, 5000);
          if (Date.now() + wait > deadline) throw error;
          strapi.log.warn(
            `[consent] writing ${batch.size} sent request(s) failed (${error instanceof Error ? error.message : String(error)}); trying again in ${wait} ms`
          );
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    },

    plan(row: ClaimedRow, contact: Contact | null, settings: Settings, canSms: boolean): Outcome {
      const config = getService(strapi, 'config').get();
      const locale =
        contact?.language && config.locales.includes(contact.language)
          ? contact.language
          : config.defaultLocale;
      if (!contact) return { row, error: { message: 'the client no longer exists', final: true } };
      if (contact.email && settings.channels.email) return { row, channel: 'email', locale };
      if (contact.phone && settings.channels.sms && canSms) return { row, channel: 'sms', locale };
      const reason =
        !contact.email && !contact.phone
          ? 'no email and no phone number'
          : contact.email
            ? 'the client has only an email address and email is switched off'
            : 'no email address, and SMS is not configured or switched off';
      return { row, locale, error: { message: reason, final: true } };
    },

    /**
     * The messages of one shape: a row's kind, the purposes it asks about, its language and
     * expiry. The result renders a message from the client's name and the link token, exactly
     * as renderMessage would (messages/render.ts messageRenderer).
     */
    renderer(
      row: ClaimedRow,
      kind: ClaimKind,
      locale: string,
      settings: Settings,
      current: CurrentTexts,
      purposes: PurposeList,
      expiresAt: Date,
      /** Information mails: the purposes this client validly consents to. */
      consentedTo: ReadonlySet<string> | null = null
    ): (name: string | null | undefined, token: string) => RenderedMessage {
      const messageKind: MessageKind =
        row.kind === 'information'
          ? 'information'
          : kind === 'remind'
            ? 'reminder'
            : row.origin
              ? 'confirmation'
              : 'request';
      const asked =
        row.kind === 'information'
          ? purposes.filter((p) => p.active && p.currentTextId)
          : row.purposeKeys
            ? purposes.filter((p) => row.purposeKeys!.includes(p.key))
            : askablePurposes(purposes);
      const titles = new Map(current.map((t) => [t.purpose, t.title]));
      const base = `${baseUrl()}/api/consent`;
      const template =
        own(settings.templates, locale) ??
        own(settings.templates, getService(strapi, 'config').get().defaultLocale) ??
        defaultTemplateSet(locale);
      return messageRenderer(template, {
        kind: messageKind,
        locale,
        organisation: settings.sender.organisation,
        purposes: asked.map((p) => ({
          key: p.key,
          name: localisedPurpose(p, locale).name,
          title: titles.get(p.key) ?? localisedPurpose(p, locale).name,
          marketing: p.marketing,
          ...(row.kind === 'information'
            ? {
                detail: informationDetail(locale, p.legalBasis, consentedTo?.has(p.key) ?? false),
              }
            : {}),
        })),
        linkBases: {
          respond: row.kind === 'consent' ? `${base}/r/` : null,
          manage: `${base}/m/`,
          unsubscribe: asked.some((p) => p.marketing) ? `${base}/u/` : null,
        },
        expiresAt: row.kind === 'consent' ? expiresAt : null,
      });
    },

    /** Write what happened: sent rows in a few grouped updates, failures one by one (rare). */
    async settle(
      plans: Outcome[],
      kind: ClaimKind,
      now: Date,
      expiresAt: Date,
      settings: Settings
    ): Promise<void> {
      const { worker } = getService(strapi, 'config').get();
      const queue = getService(strapi, 'queue');
      const sent = plans.filter((p) => !p.error && !p.cancel);
      const cancelled = plans.filter((p) => p.cancel);
      if (cancelled.length > 0)
        await queue.settle(
          cancelled.map((p) => p.row.id),
          owner,
          'queued',
          { status: 'cancelled', reason: cancelled[0].cancel, updated_at: now }
        );
      if (kind === 'remind') {
        await queue.settle(
          sent.map((p) => p.row.id),
          owner,
          'sent',
          { reminder_sent_at: now, updated_at: now }
        );
        // A failed reminder is retried after the backoff, until the request expires.
        for (const plan of plans.filter((p) => p.error)) {
          await queue.settle([plan.row.id], owner, 'sent', {
            reminder_at: new Date(now.getTime() + worker.backoffSeconds * 1000),
            reason: `reminder: ${plan.error!.message}`,
            updated_at: now,
          });
        }
        return;
      }
      const groups = new Map<string, Outcome[]>();
      for (const plan of sent) {
        const key = `${plan.channel}|${plan.locale}|${plan.row.kind}|${plan.row.campaign === null ? 'none' : 'campaign'}|${plan.row.origin ? 'confirmation' : ''}`;
        const group = groups.get(key);
        if (group) group.push(plan);
        else groups.set(key, [plan]);
      }
      const campaignReminders = await this.campaignsWithoutReminder(
        sent.map((p) => p.row.campaign).filter((c): c is string => Boolean(c))
      );
      for (const group of groups.values()) {
        const { channel, locale, row } = group[0];
        const consent = row.kind === 'consent';
        // A confirmation of a booking's decisions gets no reminder: the client did not ask for it.
        const remindAt =
          consent && !row.origin && settings.reminderDaysBeforeExpiry > 0
            ? new Date(expiresAt.getTime() - settings.reminderDaysBeforeExpiry * DAY)
            : null;
        const withReminder = group.filter(
          (p) => !p.row.campaign || !campaignReminders.has(p.row.campaign)
        );
        const withoutReminder = group.filter(
          (p) => p.row.campaign && campaignReminders.has(p.row.campaign)
        );
        for (const [part, reminderAt] of [
          [withReminder, remindAt],
          [withoutReminder, null],
        ] as const) {
          await queue.settle(
            part.map((p) => p.row.id),
            owner,
            'queued',
            {
              status: 'sent',
              channel,
              request_locale: locale,
              sent_at: now,
              expires_at: consent ? expiresAt : null,
              reminder_at: reminderAt,
              reason: null,
              updated_at: now,
            }
          );
        }
      }
      for (const plan of plans.filter((p) => p.error)) {
        const final = plan.error!.final || plan.row.attempts >= worker.maxAttempts;
        const delay =
          Math.min(worker.backoffSeconds * 2 ** Math.max(plan.row.attempts - 1, 0), 3600) * 1000;
        await queue.settle([plan.row.id], owner, 'queued', {
          status: final ? 'failed' : 'queued',
          reason:
            final && !plan.error!.final
              ? `${plan.error!.message} (gave up after ${plan.row.attempts} attempts)`
              : plan.error!.message,
          next_attempt_at: new Date(now.getTime() + delay),
          updated_at: now,
        });
      }
      // Tokens of messages that never left open nothing: drop them.
      const unsent = plans.filter((p) => p.error && !p.error.final).map((p) => p.row.documentId);
      if (unsent.length > 0) await deleteTokensSince(strapi.db.connection, unsent, now);
    },

    /** The options of these campaigns (read once per campaign). */
    async campaignOptions(
      ids: string[]
    ): Promise<Map<string, { reminder: boolean; askAgainRefused: boolean }>> {
      const unknown = [...new Set(ids)].filter((id) => !optionsOf.has(id));
      if (unknown.length > 0) {
        const rows = await campaignOptions(strapi.db.connection, unknown);
        if (optionsOf.size + rows.length > 10_000) optionsOf.clear();
        for (const row of rows) {
          optionsOf.set(row.document_id, {
            reminder: normaliseBoolean(row.reminder),
            askAgainRefused: normaliseBoolean(row.ask_again_refused),
          });
        }
      }
      return new Map(
        ids.flatMap((id) => (optionsOf.has(id) ? [[id, optionsOf.get(id)!] as const] : []))
      );
    },

    async campaignsWithoutReminder(ids: string[]): Promise<Set<string>> {
      const options = await this.campaignOptions(ids);
      return new Set(ids.filter((id) => options.get(id)?.reminder === false));
    },

    /**
     * The purposes still to ask in a batch's campaign requests, by row id, for the rows the
     * client decided on since they were queued (domain/asking.ts, the rule the campaign's
     * INSERT ... SELECT applied): one indexed read of the batch's clients' states decided
     * since (usually none). A narrowed row's purposes are written before it leaves, so the
     * request records exactly what its message asks; an empty list: nothing left to ask.
     */
    async leftToAsk(
      rows: ClaimedRow[],
      purposes: PurposeList,
      now: Date
    ): Promise<Map<number, string[]>> {
      const left = new Map<number, string[]>();
      const asks = rows.filter(
        (r) => r.kind === 'consent' && r.campaign && !r.origin && r.purposeKeys?.length
      );
      if (asks.length === 0) return left;
      const since = new Date(Math.min(...asks.map((r) => new Date(r.createdAt).getTime())));
      const states = await decidedSince(
        strapi.db.connection,
        dialectOf(strapi),
        [...new Set(asks.map((r) => r.subject))],
        [...new Set(asks.flatMap((r) => r.purposeKeys!))],
        since
      );
      if (states.length === 0) return left;
      const options = await this.campaignOptions(asks.map((r) => r.campaign!));
      const byKey = new Map(purposes.map((p) => [p.key, p]));
      const time = (value: unknown) => new Date(value as string | number | Date).getTime();
      for (const row of asks) {
        const created = new Date(row.createdAt).getTime();
        const decided = states.filter(
          (s) => s.subject === row.subject && time(s.decided_at) > created
        );
        if (decided.length === 0) continue;
        const keys = row.purposeKeys!.filter((key) => {
          const state = decided.find((s) => s.purpose_key === key);
          const purpose = byKey.get(key);
          if (!state || !purpose) return true;
          return isLeftToAsk(
            {
              currentMajor: purpose.currentMajor,
              specialCategory: purpose.specialCategory,
              currentMajorReleasedAt: state.released_at == null ? null : time(state.released_at),
            },
            {
              decision: state.decision as Decision,
              textMajor: state.text_major == null ? null : Number(state.text_major),
              explicit: normaliseBoolean(state.explicit),
              decidedAt: time(state.decided_at),
            },
            options.get(row.campaign!)?.askAgainRefused ?? false
          );
        });
        if (keys.length === row.purposeKeys!.length) continue;
        left.set(row.id, keys);
        if (keys.length > 0) {
          await narrowQueued(strapi.db.connection, row.id, owner, keys, now);
          row.purposeKeys = keys;
        }
      }
      return left;
    },
  };
};

export default sender;
