import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { meDecisionsBodySchema as meDecisionsSchema } from '../routes/schemas';
import { paginationSchema } from '../validation/decision';

/**
 * Content API for a logged-in end user (users-permissions) linked to a client:
 * their own consent and history, and withdrawing as easily as they gave it.
 */
const me = ({ strapi }: { strapi: Core.Strapi }) => {
  const subjectOf = async (ctx: Context): Promise<string> => {
    const user = ctx.state.user as { id: number } | undefined;
    if (!user) throw new errors.UnauthorizedError('Log in to see your consent');
    const subject = await getService(strapi, 'subjects').forUser(user.id);
    if (!subject) throw new errors.NotFoundError('No client is linked to this account');
    return subject;
  };

  return {
    async find(ctx: Context) {
      const subject = await subjectOf(ctx);
      const page = parse(paginationSchema, ctx.query);
      const consent = await getService(strapi, 'states').forSubject(subject);
      const { results, pagination } = await getService(strapi, 'states').history(subject, page);
      // Only what the client needs about themself: no staff identities, no internal ids.
      const history = results.map((e) => ({
        purpose: e.purposeKey,
        decision: e.decision,
        version: e.textVersion,
        locale: e.textLocale,
        channel: e.channel,
        occurredAt: e.occurredAt,
        recordedBy: e.actorType === 'subject' ? 'you' : e.actorType,
      }));
      const { subject: _subject, ...rest } = consent;
      ctx.body = { data: { ...rest, history }, meta: { pagination } };
    },

    async decide(ctx: Context) {
      const subject = await subjectOf(ctx);
      const input = parse(meDecisionsSchema, ctx.request.body);
      await getService(strapi, 'ledger').record({
        subject,
        decisions: input.decisions,
        channel: 'web_form',
        locale: input.locale,
        source: 'api:/consent/me',
        actor: { type: 'subject' },
        ip: ctx.request.ip,
        userAgent: ctx.request.get('user-agent') || null,
      });
      const { subject: _subject, ...consent } = await getService(strapi, 'states').forSubject(
        subject
      );
      ctx.status = 201;
      ctx.body = { data: consent };
    },
  };
};

export default me;
