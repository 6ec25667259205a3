import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { confirmPage, formPage, registeredPage, sentPage } from '../dsr';
import { neutralPage, notSavedPage, pickLocale, redirectAfterPost, sendPage } from '../pages';
import { getService } from '../utils/get-service';
import { COMMIT_RETRY_AFTER_SECONDS, isCommitFailed } from '../utils/transaction';

/**
 * The public form of data-subject requests (public on purpose, rate-limited per address):
 * GET/POST /api/consent/dsr, and the mailed link GET/POST /api/consent/dsr/c/:token.
 * Server-rendered HTML that works without JavaScript, in the visitor's language.
 */
const dsrForm = ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => getService(strapi, 'dsr-form');

  /** `?lang=` or the form's hidden `lang`, else the browser's languages, else the default. */
  const localeOf = (ctx: Context, chosen?: string | null): string => {
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const lang = chosen ?? (typeof body?.lang === 'string' ? body.lang : ctx.query.lang);
    return pickLocale({
      requestLocale: typeof lang === 'string' ? lang.slice(0, 16) : null,
      acceptLanguage: ctx.get('accept-language'),
      defaultLocale: getService(strapi, 'config').get().defaultLocale,
    });
  };

  const organisation = async () =>
    (await getService(strapi, 'settings').cached()).sender.organisation;

  const page =
    (handler: (ctx: Context) => Promise<void>) =>
    async (ctx: Context): Promise<void> => {
      try {
        await handler(ctx);
      } catch (error) {
        if (isCommitFailed(error)) {
          sendPage(ctx, 503, notSavedPage(localeOf(ctx)));
          ctx.set('Retry-After', String(COMMIT_RETRY_AFTER_SECONDS));
          return;
        }
        throw error;
      }
    };

  return {
    /** GET /dsr: the form; `?sent=1` after a submission. */
    form: page(async (ctx: Context) => {
      const locale = localeOf(ctx);
      if (ctx.query.sent === '1') return sendPage(ctx, 200, sentPage(locale));
      sendPage(
        ctx,
        200,
        formPage({ locale, organisation: await organisation(), phone: service().phoneEnabled() })
      );
    }),

    /** POST /dsr: 400 with the errors, or 303 to the same "check your messages" page for every valid address. */
    submit: page(async (ctx: Context) => {
      const locale = localeOf(ctx);
      const outcome = await service().submit(ctx.request.body, locale);
      if (outcome.kind === 'invalid')
        return sendPage(
          ctx,
          400,
          formPage({
            locale,
            organisation: await organisation(),
            phone: service().phoneEnabled(),
            values: outcome.values,
            errors: outcome.errors,
          })
        );
      redirectAfterPost(ctx, `dsr?sent=1&lang=${locale}`);
    }),

    /** GET /dsr/c/:token: a confirm button (opening a link registers nothing). */
    confirmForm: page(async (ctx: Context) => {
      const held = await service().pending(String(ctx.params.token ?? ''));
      if (!held) return sendPage(ctx, 404, neutralPage(localeOf(ctx, null)));
      sendPage(ctx, 200, confirmPage(localeOf(ctx, held.locale)));
    }),

    /** POST /dsr/c/:token: registers the request. */
    confirm: page(async (ctx: Context) => {
      const raw = String(ctx.params.token ?? '');
      const held = await service().pending(raw);
      const request = held ? await service().confirm(raw) : null;
      if (!held || !request) return sendPage(ctx, 404, neutralPage(localeOf(ctx, null)));
      const locale = localeOf(ctx, held.locale);
      sendPage(ctx, 201, registeredPage(locale, request.documentId, new Date(request.dueAt)));
    }),
  };
};

export default dsrForm;
