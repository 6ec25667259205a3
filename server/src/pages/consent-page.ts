import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import type { Channel } from '../constants';
import { needsConsent, type PurposeStatus } from '../domain/state-machine';
import { parseVersion } from '../domain/version';
import type { Answer, PreferenceItem, RequestFormState, RequestPageView } from './types';
import { getService } from '../utils/get-service';
import type { DecisionInput } from '../validation/decision';
import type { CurrentText } from '../texts';
import type { RequestRow, TokenRow } from '../types';
import { own } from '../utils/own';
import { transaction } from '../utils/transaction';

/**
 * The version a form says the client read, when it still stands against the current one:
 * the same major (an older minor is an editorial fix the client's answer still covers).
 * Null when it is missing, unreadable or of another major: the text changed since.
 */
const readVersion = (shown: string | undefined, current: string) => {
  const read = parseVersion(shown ?? '');
  const now = parseVersion(current);
  return read && now && read.major === now.major && read.minor <= now.minor ? read : null;
};

/** A link token that opened, and its request. */
export interface PageLink {
  token: TokenRow;
  request: RequestRow;
}

/** What the proof keeps about the client's browser. */
export interface Evidence {
  ip: string | null;
  userAgent: string | null;
}

export type RequestView = Omit<RequestPageView, 'manageHref'>;

export type AnswerOutcome =
  | { kind: 'closed' }
  | { kind: 'invalid' | 'stale'; view: RequestView; state: RequestFormState }
  | { kind: 'recorded'; status: 'approved' | 'declined' };

export type WithdrawOutcome =
  | { kind: 'withdrawn'; title: string }
  | { kind: 'unchanged' }
  | { kind: 'unknown' };

export type GiveOutcome =
  | { kind: 'given' | 'explicitMissing' | 'textChanged'; title: string }
  | { kind: 'unchanged' }
  | { kind: 'unknown' };

/** A form field as a string; repeated or nested fields (qs turns `a[b]` into objects) count as absent. */
const field = (body: unknown, name: string): string | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = own(body as Record<string, unknown>, name);
  return typeof value === 'string' ? value : undefined;
};

const channelOf = (request: RequestRow): Channel =>
  request.channel === 'sms' ? 'sms_link' : 'email_link';

/** Statuses in which the client has no decision of their own in force: unsubscribing records a refusal. */
const UNDECIDED: PurposeStatus[] = ['missing', 'expired'];

/**
 * The client's consent pages behind a link token: the request page (approve or
 * decline each purpose), the preference page (withdraw) and one-click unsubscribe.
 * Decisions go through the ledger like every other channel, with the link's
 * request as evidence.
 */
const consentPage = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The token's request, or null for a malformed, unknown or expired token. */
  async resolve(raw: string): Promise<PageLink | null> {
    return getService(strapi, 'tokens').lookup(raw);
  },

  /** A consent request the client can still answer. */
  isOpen(request: RequestRow): boolean {
    return (
      request.kind === 'consent' &&
      request.status === 'sent' &&
      request.expiresAt !== null &&
      getService(strapi, 'clock').now().getTime() < new Date(request.expiresAt).getTime()
    );
  },

  async organisation(): Promise<string> {
    return (await getService(strapi, 'settings').cached()).sender.organisation;
  },

  /**
   * What the request asks, with the current texts in `locale`: exactly its purposes (every
   * active consent-based purpose when it names none; a campaign's request names the ones
   * left to ask that client) that have a published text, and the purposes on another
   * legal basis, for information, on every request. Null when there is nothing left to
   * decide (the purposes were deactivated since it was sent).
   */
  async requestView(link: PageLink, locale: string): Promise<RequestView | null> {
    const [texts, organisation] = await Promise.all([
      getService(strapi, 'texts').current(locale),
      this.organisation(),
    ]);
    const named = link.request.purposeKeys ? new Set(link.request.purposeKeys) : null;
    const asked = texts.filter(
      (text) => text.requiresConsent && (named === null || named.has(text.purpose))
    );
    if (asked.length === 0) return null;
    return {
      locale,
      organisation,
      expiresAt: new Date(link.request.expiresAt as string),
      asked,
      info: texts.filter((text) => !text.requiresConsent),
      confirming: link.request.origin !== null,
    };
  },

  /**
   * A confirmation's form as the booking left it: each held decision pre-chosen, when it is
   * about the major version shown now (a substantive change since: the client chooses again).
   */
  heldAnswers(link: PageLink, view: RequestView): RequestFormState | undefined {
    const pending = getService(strapi, 'confirmations').pendingOf(link.request);
    if (!pending) return undefined;
    const shown = new Map(view.asked.map((text) => [text.purpose, parseVersion(text.version)]));
    const answers: Record<string, Answer> = {};
    for (const held of pending.decisions) {
      const current = shown.get(held.purpose);
      const version = held.version ? parseVersion(held.version) : current;
      if (!current || !version || version.major !== current.major) continue;
      answers[held.purpose] = { decision: held.decision, explicit: held.explicit === true };
    }
    return { answers, errors: [], stale: [] };
  },

  /**
   * Check the form against the texts shown now. A purpose left out of the form (no
   * answer, no version) is an answer missing. A purpose whose version field is missing
   * or names another major version than the current one is stale: its text changed
   * substantively since the page was rendered, so the client must read it again. An older minor version of the same major is the text the
   * client read (an editorial fix came in between): it is recorded as such.
   */
  readForm(
    view: RequestView,
    body: unknown
  ): { state: RequestFormState; decisions: DecisionInput[] } {
    const state: RequestFormState = { answers: {}, errors: [], stale: [] };
    const decisions: DecisionInput[] = [];
    for (const text of view.asked) {
      const key = text.purpose;
      const raw = field(body, `decision-${key}`);
      const answer: Answer = {
        decision: raw === 'given' || raw === 'refused' ? raw : undefined,
        explicit: field(body, `explicit-${key}`) === 'yes',
      };
      state.answers[key] = answer;
      const versionField = field(body, `version-${key}`);
      // Neither an answer nor the version shown: the purpose was left out of the form (or
      // appeared since it was rendered). Either way the client has not answered it yet.
      if (versionField === undefined && !answer.decision) {
        state.errors.push({ purpose: key, field: 'decision' });
        continue;
      }
      const shown = readVersion(versionField, text.version);
      if (!shown) {
        state.stale.push(key);
        continue;
      }
      if (!answer.decision) {
        state.errors.push({ purpose: key, field: 'decision' });
        continue;
      }
      const explicit = answer.decision === 'given' && text.explicit;
      if (explicit && !answer.explicit) {
        state.errors.push({ purpose: key, field: 'explicit' });
        continue;
      }
      decisions.push({
        purpose: key,
        decision: answer.decision,
        version: `${shown.major}.${shown.minor}`,
        ...(explicit ? { explicit: true } : {}),
      });
    }
    return { state, decisions };
  },

  /**
   * Record the client's answer: the request's status and the decisions in ONE
   * transaction. The status changes only from "sent" (a conditional update): of two
   * answers sent at once, or an answer and the expiry job, exactly one wins and the
   * other writes nothing.
   */
  async answer(
    link: PageLink,
    body: unknown,
    locale: string,
    evidence: Evidence
  ): Promise<AnswerOutcome> {
    if (!this.isOpen(link.request)) return { kind: 'closed' };
    const view = await this.requestView(link, locale);
    if (!view) return { kind: 'closed' };
    const { state, decisions } = this.readForm(view, body);
    if (state.stale.length > 0) return { kind: 'stale', view, state: { ...state, errors: [] } };
    if (state.errors.length > 0) return { kind: 'invalid', view, state };

    const status = decisions.some((d) => d.decision === 'given') ? 'approved' : 'declined';
    const now = getService(strapi, 'clock').now();
    try {
      const answered = await transaction(strapi, async () => {
        if (!(await getService(strapi, 'requests').markAnswered(link.request.documentId, status)))
          return false;
        await this.recordFromLink(link, decisions, locale, evidence, 'page:/consent/r', now);
        // A confirmation answered: the address is the client's; mails that waited for it go out.
        if (link.request.origin) {
          await transaction(strapi, ({ trx }) =>
            getService(strapi, 'confirmations').release(trx, link.request.documentId)
          );
        }
        return true;
      });
      return answered ? { kind: 'recorded', status } : { kind: 'closed' };
    } catch (error) {
      // An editor published a substantive version between our check and the ledger's: show it.
      if (error instanceof Error && error.name === 'StaleVersionError') {
        const fresh = await this.requestView(link, locale);
        if (!fresh) return { kind: 'closed' };
        const stale = (
          (error as Error & { details?: { stale?: { purpose: string }[] } }).details?.stale ?? []
        ).map((s) => s.purpose);
        return { kind: 'stale', view: fresh, state: { answers: state.answers, errors: [], stale } };
      }
      // The client was erased since the link was sent.
      if (error instanceof errors.NotFoundError) return { kind: 'closed' };
      throw error;
    }
  },

  /** The client's state per consent-based purpose, with the current text in `locale`. */
  async preferences(
    link: PageLink,
    locale: string
  ): Promise<{ organisation: string; items: PreferenceItem[] }> {
    const [consent, texts, organisation] = await Promise.all([
      getService(strapi, 'states').forSubject(link.request.subject),
      getService(strapi, 'texts').current(locale),
      this.organisation(),
    ]);
    const byKey = new Map(texts.map((text) => [text.purpose, text]));
    const items = consent.purposes
      .filter((p) => p.requiresConsent && (byKey.has(p.purpose) || p.decision !== null))
      .map((p): PreferenceItem => {
        const text: CurrentText | undefined = byKey.get(p.purpose);
        return {
          key: p.purpose,
          title: text?.title ?? p.name,
          text: text?.text ?? null,
          textLocale: text?.locale ?? null,
          status: p.status,
          decision: p.decision
            ? { version: p.decision.version, decidedAt: new Date(p.decision.decidedAt) }
            : null,
          canWithdraw: p.decision?.decision === 'given',
          give:
            text && p.status !== 'valid'
              ? { version: text.version, explicit: text.explicit }
              : null,
        };
      });
    return { organisation, items };
  },

  /** Record the client's decisions from one of their links: the link's channel, the page, IP and user agent, the request. */
  recordFromLink(
    link: PageLink,
    decisions: DecisionInput[],
    locale: string,
    evidence: Evidence,
    source: string,
    at?: Date
  ) {
    // A confirmation's decisions came with a booking: the events name it as their origin.
    const booking = link.request.origin
      ? getService(strapi, 'confirmations').pendingOf(link.request)?.booking
      : undefined;
    return getService(strapi, 'ledger').record({
      bookingId: booking?.documentId ?? null,
      subject: link.request.subject,
      decisions,
      channel: channelOf(link.request),
      actor: { type: 'subject' },
      locale,
      source,
      ip: evidence.ip,
      userAgent: evidence.userAgent,
      requestId: link.request.documentId,
      occurredAt: at ?? getService(strapi, 'clock').now(),
    });
  },

  /** Withdraw one given consent. Anything but a given consent is left as it is. */
  async withdraw(
    link: PageLink,
    purpose: string,
    locale: string,
    evidence: Evidence
  ): Promise<WithdrawOutcome> {
    const { items } = await this.preferences(link, locale);
    const item = items.find((i) => i.key === purpose);
    if (!item) return { kind: 'unknown' };
    if (!item.canWithdraw) return { kind: 'unchanged' };
    await this.recordFromLink(
      link,
      [{ purpose, decision: 'withdrawn' }],
      locale,
      evidence,
      'page:/consent/m'
    );
    return { kind: 'withdrawn', title: item.title };
  },

  /**
   * Give consent from the preference page (opt in, e.g. to e-marketing): the link is the
   * client's own channel. The version is the one the page showed: a substantive change
   * since shows the page again; a special category needs the explicit tick.
   */
  async give(
    link: PageLink,
    input: { purpose: string; version: string | undefined; explicit: boolean },
    locale: string,
    evidence: Evidence
  ): Promise<GiveOutcome> {
    const { items } = await this.preferences(link, locale);
    const item = items.find((i) => i.key === input.purpose);
    if (!item) return { kind: 'unknown' };
    if (!item.give) return { kind: 'unchanged' };
    const shown = readVersion(input.version, item.give.version);
    if (!shown) return { kind: 'textChanged', title: item.title };
    if (item.give.explicit && !input.explicit)
      return { kind: 'explicitMissing', title: item.title };
    try {
      await this.recordFromLink(
        link,
        [
          {
            purpose: item.key,
            decision: 'given',
            version: `${shown.major}.${shown.minor}`,
            ...(item.give.explicit ? { explicit: true } : {}),
          },
        ],
        locale,
        evidence,
        'page:/consent/m'
      );
    } catch (error) {
      // An editor published a substantive version between our check and the ledger's.
      if (error instanceof Error && error.name === 'StaleVersionError')
        return { kind: 'textChanged', title: item.title };
      throw error;
    }
    return { kind: 'given', title: item.title };
  },

  /** The active marketing purposes a client can consent to, by title in `locale`. */
  async marketingPurposes(locale: string): Promise<{ key: string; title: string }[]> {
    const texts = await getService(strapi, 'texts').current(locale);
    const titles = new Map(texts.map((text) => [text.purpose, text.title]));
    return (await getService(strapi, 'purposes').list())
      .filter((p) => p.active && p.marketing && needsConsent(p))
      .map((p) => ({ key: p.key, title: titles.get(p.key) ?? p.name }));
  },

  /**
   * One-click unsubscribe (RFC 8058): withdraw every given marketing consent, and
   * refuse the marketing purposes the client never decided on, so they are not
   * asked again. Returns how many decisions were recorded (0 when already out).
   */
  async unsubscribe(link: PageLink, locale: string, evidence: Evidence): Promise<number> {
    const marketing = new Set((await this.marketingPurposes(locale)).map((p) => p.key));
    const consent = await getService(strapi, 'states').forSubject(link.request.subject);
    const decisions: DecisionInput[] = consent.purposes
      .filter((p) => marketing.has(p.purpose))
      .flatMap((p): DecisionInput[] => {
        if (p.decision?.decision === 'given')
          return [{ purpose: p.purpose, decision: 'withdrawn' }];
        if (UNDECIDED.includes(p.status) && p.currentVersion !== null)
          return [{ purpose: p.purpose, decision: 'refused' }];
        return [];
      });
    if (decisions.length === 0) return 0;
    await this.recordFromLink(link, decisions, locale, evidence, 'page:/consent/u');
    return decisions.length;
  },
});

export default consentPage;
