import { adminApi } from '@strapi/strapi/admin';
import type { CursorPage } from './paging';

const TAG_TYPES = [
  'ConsentPurpose',
  'ConsentVersion',
  'ConsentClient',
  'ConsentOverview',
  'ConsentClientState',
  'ConsentEvent',
  'ConsentBookingCheck',
  'ConsentRequest',
  'ConsentCampaign',
  'ConsentSettings',
  'ConsentErasure',
  'ConsentRetentionRun',
  'ConsentCheckpoint',
  'ConsentAudit',
  'ConsentWebhook',
  'ConsentDsr',
] as const;

/**
 * The plugin's slice of Strapi's admin API (RTK Query): the host's store already runs
 * it, so the plugin only adds its cache tags. A mutation invalidates the tags of what
 * it changes and every screen that reads them refetches by itself.
 *
 * Endpoint names share one namespace with Strapi and every other plugin, and
 * injectEndpoints keeps the first definition of a name: i18n already has `getSettings`
 * and the admin `getWebhooks`. Hence `getConsentSettings` and the like.
 */
export const consentApi = adminApi.enhanceEndpoints({ addTagTypes: TAG_TYPES });

/**
 * Screens read fresh data when they open, as they did before the cache: an answer
 * nobody shows any more is dropped at once (a client may have answered a request by
 * mail meanwhile, which no tag can know).
 */
export const FRESH = { keepUnusedDataFor: 0 } as const;

/** What a decision changes: the client's state and history, the lists, counts and booking marks. */
export const CONSENT_CHANGED = ['ConsentClient', 'ConsentOverview', 'ConsentBookingCheck'] as const;

type Tag = (typeof TAG_TYPES)[number];
type Tags = readonly (Tag | { type: Tag; id: string })[];

/** A list's tag: every change to a member invalidates the whole list. */
export const listTag = <T extends Tag>(type: T) => ({ type, id: 'LIST' as const });

/** A route with the query parameters that are set (null, undefined and '' are left out). */
export const withQuery = (path: string, params: object) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  return `${path}?${search}`;
};

/** Tags, or the tags of one argument (the record it names). */
type TagsOf<Arg> = Tags | ((arg: Arg) => Tags);

const tagsFor = <Arg>(tags: TagsOf<Arg>) =>
  typeof tags === 'function' ? (_result: unknown, _error: unknown, arg: Arg) => tags(arg) : tags;

/** A route, fixed or built from the argument. */
type Route<Arg> = string | ((arg: Arg) => string);

const routeOf = <Arg>(route: Route<Arg>, arg: Arg) =>
  typeof route === 'string' ? route : route(arg);

/** GET a route, shown fresh: the answer's data, cached under `providesTags`. */
export const getData = <Res extends { data: unknown }, Arg = void>(
  url: Route<Arg>,
  providesTags: TagsOf<Arg>
) => ({
  query: (arg: Arg) => routeOf(url, arg),
  transformResponse: (res: Res): Res['data'] => res.data,
  providesTags: tagsFor(providesTags),
  ...FRESH,
});

/** POST the argument to a fixed route: the answer's data; `invalidatesTags` are refetched. */
export const postData = <Res extends { data: unknown }>(
  url: string,
  invalidatesTags: Tags = []
) => ({
  query: <Body>(data: Body) => ({ url, method: 'POST' as const, data }),
  transformResponse: (res: Res): Res['data'] => res.data,
  invalidatesTags,
});

/**
 * POST to the route `url` builds from the argument (one record's route, or one of its
 * actions'), with the argument's `body`, or an empty one: the answer's data.
 */
export const postTo = <Res extends { data: unknown }, Arg>(
  url: (arg: Arg) => string,
  invalidatesTags: TagsOf<Arg> = []
) => ({
  query: (arg: Arg) => ({
    url: url(arg),
    method: 'POST' as const,
    data: typeof arg === 'object' && arg !== null && 'body' in arg ? arg.body : {},
  }),
  transformResponse: (res: Res): Res['data'] => res.data,
  invalidatesTags: tagsFor(invalidatesTags),
});

/**
 * GET one page of a list paged by cursor, shown fresh: the argument's fields are the
 * query parameters; `page` reads the rows and the next cursor from the answer.
 */
export const getPage = <Res, Row, Cursor>(
  url: string,
  page: (res: Res) => CursorPage<Row, Cursor>,
  providesTags: Tags
) => ({
  query: (arg: object) => withQuery(url, arg),
  transformResponse: page,
  providesTags,
  ...FRESH,
});
