import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '../utils/strapi-errors';
import { AUDIT_ACTIONS, type GetAudit } from '../contracts';
import { getService } from '../utils/get-service';

/** Admin API: the audit trail of data-rights operations, newest first. */
const audit = ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const { subject, action, before, limit } = ctx.query as Record<string, string | undefined>;
    const problems: { path: string[]; message: string }[] = [];
    if (action && !(AUDIT_ACTIONS as readonly string[]).includes(action))
      problems.push({ path: ['action'], message: `must be one of ${AUDIT_ACTIONS.join(', ')}` });
    if (before && !/^[1-9][0-9]{0,15}$/.test(before))
      problems.push({ path: ['before'], message: 'must be an entry id' });
    if (limit && !/^[1-9][0-9]{0,2}$/.test(limit))
      problems.push({ path: ['limit'], message: 'must be 1-200' });
    if (subject && subject.length > 64)
      problems.push({ path: ['subject'], message: 'must be a document id' });
    if (problems.length > 0)
      throw new errors.ValidationError(problems[0].message, { errors: problems });
    ctx.body = {
      data: await getService(strapi, 'audit').list({
        subject: subject || undefined,
        action: action || undefined,
        before: before ? Number(before) : undefined,
        limit: limit ? Number(limit) : undefined,
      }),
    } satisfies GetAudit.Response;
  },
});

export default audit;
