import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import type { Context, Next } from 'koa';
import { ACTION } from '../constants';
import { getService } from '../utils/get-service';

/** Where the list filter travels from the route middleware to the query (per request, on ctx.state). */
const STATE_KEY = 'consentListFilter';
type ListFilter = 'valid' | 'invalid';

interface AbilityState {
  userAbility?: { can(action: string): boolean };
  /** The listed type and the filter: the list's queries on other types (relations) stay whole. */
  [STATE_KEY]?: { model: string; filter: ListFilter };
}

/** The types whose Content Manager list has the filter: the client type and the checked booking types. */
const filteredTypes = (strapi: Core.Strapi): string[] => [
  getService(strapi, 'subjects').uid(),
  ...getService(strapi, 'config')
    .get()
    .bookings.filter((b) => b.requirement !== 'none')
    .map((b) => b.uid),
];

/**
 * Route middleware on the Content Manager's `GET /content-manager/collection-types/:model`.
 * The list view sends `plugins[consent][consent]=valid|invalid` from its URL as
 * `consent=valid|invalid`; take it off the query (the Content Manager would reject an
 * unknown parameter) and remember it for the queries of this request. On the client type
 * it means the client's consent now; on a booking type, the booking's mark (made with or
 * without valid consent).
 */
export const contentManagerListParam =
  (strapi: Core.Strapi) => async (ctx: Context, next: Next) => {
    const { consent, ...rest } = ctx.request.query as Record<string, unknown>;
    if (consent === undefined) return next();
    ctx.request.query = rest as typeof ctx.request.query;
    if (!filteredTypes(strapi).includes(ctx.params?.model)) return next();
    if (consent !== 'valid' && consent !== 'invalid') {
      throw new errors.ValidationError('consent must be "valid" or "invalid"', { consent });
    }
    const state = ctx.state as AbilityState;
    if (!state.userAbility?.can(ACTION.read))
      throw new errors.ForbiddenError('Filtering by consent needs plugin::consent.read');
    state[STATE_KEY] = { model: ctx.params.model, filter: consent };
    return next();
  };

/**
 * Database lifecycle on the subject type and the booking types: during a list request that carries the
 * filter, narrow every findMany / count with one indexed subquery on the consent
 * summary table (`document_id IN (SELECT subject ... WHERE required_fingerprint = ?)`;
 * for "no valid consent" the clients without such a row). Set-based: no id is loaded
 * into JavaScript.
 * The query engine accepts a knex builder as the `$in` value (@strapi/database
 * where.js: isKnexQuery); the document service would deep-clone it, so this runs
 * below it, on the query's `where`.
 */
export const contentManagerListLifecycle = (strapi: Core.Strapi) => {
  const uid = getService(strapi, 'subjects').uid();
  const condition = async (model: string, filter: ListFilter) => {
    if (model !== uid) return getService(strapi, 'bookings').listFilter(model, filter);
    const fingerprint = await getService(strapi, 'states').currentFingerprint();
    return { documentId: { $in: getService(strapi, 'clients').listFilter(filter, fingerprint) } };
  };
  const narrow = async (event: { model: { uid: string }; params: { where?: unknown } }) => {
    const ctx = strapi.requestContext.get() as { state?: AbilityState } | undefined;
    const listed = ctx?.state?.[STATE_KEY];
    if (!listed || listed.model !== event.model.uid) return;
    const where = await condition(listed.model, listed.filter);
    event.params.where = event.params.where ? { $and: [event.params.where, where] } : where;
  };
  return {
    models: filteredTypes(strapi),
    beforeFindMany: narrow,
    beforeCount: narrow,
  };
};

/** Register both on the Content Manager's list route and the subject type (called from register). */
export const registerContentManagerListFilter = (strapi: Core.Strapi) => {
  const admin = (
    strapi.plugin('content-manager')?.routes as Record<string, { routes: Core.Route[] }> | undefined
  )?.admin;
  const route = admin?.routes.find(
    (r) => r.method === 'GET' && r.handler === 'collection-types.find'
  );
  if (!route) return;
  route.config = {
    ...route.config,
    middlewares: [contentManagerListParam(strapi), ...(route.config?.middlewares ?? [])],
  };
  strapi.db.lifecycles.subscribe(contentManagerListLifecycle(strapi));
};
