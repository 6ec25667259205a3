import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import type { Context } from 'koa';
import { neutralPage, notSavedPage, pickLocale } from '../pages';
import { preferencePage } from '../pages';
import { requestPage } from '../pages';
import { redirectAfterPost, sendPage } from '../pages';
import type { Confirmation, PreferenceItem } from '../pages';
import { unsubscribePage } from '../pages';
import type { Evidence, PageLink } from '../pages';
import type { RequestRow } from '../types';
import { getService } from '../utils/get-service';
import { COMMIT_RETRY_AFTER_SECONDS, isCommitFailed } from '../utils/transaction';

/**
 * The public pages a client reaches from a link in an email or SMS (public on
 * purpose: the link token is the credential). Server-rendered HTML that works
 * without JavaScript; every link that cannot be used gets the same neutral page.
 */
const consentPage = ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => getService(strapi, 'consent-page');

  const localeOf = (ctx: Context, request: RequestRow | null): string =>
    pickLocale({
      requestLocale: request?.requestLocale,
      acceptLanguage: ctx.get('accept-language'),
      defaultLocale: getService(strapi, 'config').get().defaultLocale,
    });

  /** Depends on the browser's language only: nothing about the token or the request may show. */
  const neutral = (ctx: Context): void => sendPage(ctx, 404, neutralPage(localeOf(ctx, null)));

  const evidence = (ctx: Context): Evidence => ({
    ip: ctx.request.ip || null,
    userAgent: ctx.get('user-agent') || null,
  });

  /** Links between the pages are relative to the page, so they survive a proxy that mounts the API elsewhere. */
  const href = (page: 'r' | 'm', raw: string, query = ''): string =>
    `../${page}/${encodeURIComponent(raw)}${query}`;

  /** The link of the URL's token; null (the neutral page already answered) when it cannot be used. */
  const linkOf = async (ctx: Context): Promise<{ raw: string; link: PageLink } | null> => {
    const raw = String(ctx.params.token ?? '');
    const link = await service().resolve(raw);
    if (!link) neutral(ctx);
    return link ? { raw, link } : null;
  };

  /** `confirm` picks the confirmation from the purposes shown (a withdrawal names one by its title). */
  const showPreferences = async (
    ctx: Context,
    raw: string,
    link: PageLink,
    confirm: (items: PreferenceItem[]) => Confirmation | null,
    status = 200
  ) => {
    const locale = localeOf(ctx, link.request);
    const { organisation, items } = await service().preferences(link, locale);
    const respondHref = service().isOpen(link.request) ? href('r', raw) : null;
    sendPage(
      ctx,
      status,
      preferencePage(
        { locale, organisation, items, respondHref, confirmation: confirm(items) },
        status
      )
    );
  };

  /** A client erased since the link was sent: the link is as dead as an unknown one. */
  const page =
    (handler: (ctx: Context) => Promise<void>) =>
    async (ctx: Context): Promise<void> => {
      try {
        await handler(ctx);
      } catch (error) {
        if (error instanceof errors.NotFoundError) return neutral(ctx);
        // The client is in a browser: a page in their language, not Strapi's JSON error.
        if (isCommitFailed(error)) {
          sendPage(ctx, 503, notSavedPage(localeOf(ctx, null)));
          ctx.set('Retry-After', String(COMMIT_RETRY_AFTER_SECONDS));
          return;
        }
        throw error;
      }
    };

  return {
    /** GET /r/:token: the open request, to approve or decline per purpose. */
    request: page(async (ctx: Context) => {
      const opened = await linkOf(ctx);
      if (!opened) return;
      const { raw, link } = opened;
      if (!service().isOpen(link.request)) return neutral(ctx);
      const locale = localeOf(ctx, link.request);
      const view = await service().requestView(link, locale);
      if (!view) return neutral(ctx);
      sendPage(
        ctx,
        200,
        requestPage({ ...view, manageHref: href('m', raw) }, service().heldAnswers(link, view))
      );
    }),

    /** POST /r/:token: the answer; 303 to the preference page once recorded. */
    answer: page(async (ctx: Context) => {
      const opened = await linkOf(ctx);
      if (!opened) return;
      const { raw, link } = opened;
      const locale = localeOf(ctx, link.request);
      const outcome = await service().answer(link, ctx.request.body, locale, evidence(ctx));
      switch (outcome.kind) {
        case 'closed':
          return neutral(ctx);
        case 'invalid':
        case 'stale':
          return sendPage(
            ctx,
            outcome.kind === 'invalid' ? 400 : 409,
            requestPage({ ...outcome.view, manageHref: href('m', raw) }, outcome.state)
          );
        case 'recorded':
          return redirectAfterPost(ctx, href('m', raw, `?confirm=${outcome.status}`));
      }
    }),

    /** GET /m/:token: the client's choices, one Withdraw button per given consent. */
    preferences: page(async (ctx: Context) => {
      const opened = await linkOf(ctx);
      if (!opened) return;
      const { raw, link } = opened;
      const { confirm, withdrawn, given } = ctx.query;
      await showPreferences(ctx, raw, link, (items) => {
        // Only values the page knows are shown: nothing from the query is echoed.
        const item = items.find((i) => i.key === withdrawn);
        if (item) return { kind: 'withdrawn', title: item.title };
        const opted = items.find((i) => i.key === given);
        if (opted) return { kind: 'given', title: opted.title };
        return confirm === 'approved' || confirm === 'declined' || confirm === 'unsubscribed'
          ? { kind: confirm }
          : null;
      });
    }),

    /**
     * POST /m/:token: `purpose=<key>` withdraws that consent; with `action=give`,
     * `version=<shown>` (and `explicit=yes` for a special category) gives it.
     */
    choose: page(async (ctx: Context) => {
      const opened = await linkOf(ctx);
      if (!opened) return;
      const { raw, link } = opened;
      const body = ctx.request.body as Record<string, unknown> | undefined;
      const text = (name: string) => (typeof body?.[name] === 'string' ? body[name] : undefined);
      const purpose = text('purpose') ?? '';
      if (text('action') === 'give') {
        const given = await service().give(
          link,
          { purpose, version: text('version'), explicit: text('explicit') === 'yes' },
          localeOf(ctx, link.request),
          evidence(ctx)
        );
        switch (given.kind) {
          case 'unknown':
            return showPreferences(ctx, raw, link, () => ({ kind: 'unknownPurpose' }), 400);
          case 'explicitMissing':
            return showPreferences(ctx, raw, link, () => given, 400);
          case 'textChanged':
            return showPreferences(ctx, raw, link, () => given, 409);
          case 'given':
            return redirectAfterPost(ctx, href('m', raw, `?given=${encodeURIComponent(purpose)}`));
          default:
            // Already given (a second click): nothing changes, nothing new to say.
            return redirectAfterPost(ctx, href('m', raw, ''));
        }
      }
      const outcome = await service().withdraw(
        link,
        purpose,
        localeOf(ctx, link.request),
        evidence(ctx)
      );
      if (outcome.kind === 'unknown')
        return showPreferences(ctx, raw, link, () => ({ kind: 'unknownPurpose' }), 400);
      // Withdrawing what is not given (a second click) changes nothing and says nothing new.
      const query = outcome.kind === 'withdrawn' ? `?withdrawn=${encodeURIComponent(purpose)}` : '';
      redirectAfterPost(ctx, href('m', raw, query));
    }),

    /** GET /u/:token: a confirm page; opening a link must never unsubscribe (scanners open links). */
    unsubscribeForm: page(async (ctx: Context) => {
      const opened = await linkOf(ctx);
      if (!opened) return;
      const { raw, link } = opened;
      const locale = localeOf(ctx, link.request);
      const [organisation, purposes] = await Promise.all([
        service().organisation(),
        service().marketingPurposes(locale),
      ]);
      sendPage(
        ctx,
        200,
        unsubscribePage({
          locale,
          organisation,
          purposes: purposes.map((p) => p.title),
          manageHref: href('m', raw),
          state: 'confirm',
        })
      );
    }),

    /** POST /u/:token with `List-Unsubscribe=One-Click` (RFC 8058): from the mail client or the confirm page. */
    unsubscribe: page(async (ctx: Context) => {
      const opened = await linkOf(ctx);
      if (!opened) return;
      const { raw, link } = opened;
      const locale = localeOf(ctx, link.request);
      const body = ctx.request.body as Record<string, unknown> | undefined;
      const oneClick = body?.['List-Unsubscribe'] === 'One-Click';
      if (oneClick) await service().unsubscribe(link, locale, evidence(ctx));
      const [organisation, purposes] = await Promise.all([
        service().organisation(),
        service().marketingPurposes(locale),
      ]);
      sendPage(
        ctx,
        oneClick ? 200 : 400,
        unsubscribePage({
          locale,
          organisation,
          purposes: purposes.map((p) => p.title),
          manageHref: href('m', raw),
          state: oneClick ? 'done' : 'invalid',
        })
      );
    }),
  };
};

export default consentPage;
