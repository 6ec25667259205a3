import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import type { Context, Next } from 'koa';
import { getService } from '../utils/get-service';
import { intakePaths } from './intake-rate-limit';
import { contentTypeOf } from '../utils/models';

/**
 * Bad input gets a 400, never a 5xx, on every route the plugin answers (its content API under
 * `<api prefix>/consent/`, its admin API under `/consent/`) or fronts (the create route of every
 * configured booking type). Left alone, Strapi and the database answer some malformed requests
 * with a 500: a malformed multipart body (the body parser's error has no HTTP status), a body
 * field named `toString` or `constructor` (Strapi's validator reads it off Object.prototype),
 * a NUL byte (PostgreSQL rejects it in any text) and a string longer than a varchar column
 * (PostgreSQL: "value too long"). See docs/security.md, "Bad input".
 */

/** The longest string Strapi's `string`-like attributes hold: a varchar(255) column on PostgreSQL and MySQL. */
const VARCHAR_LENGTH = 255;
const VARCHAR_TYPES = new Set(['string', 'email', 'uid', 'password', 'enumeration']);
/** Nesting beyond this is no booking and no plugin input; walking it would only cost time. */
const MAX_DEPTH = 32;

/** Keys that every plain object already has: `obj[key]` on them finds a function, not the client's input. */
const isPrototypeKey = (key: string): boolean => key in Object.prototype;

/** A lone UTF-16 surrogate: valid in a JS string, but no database column stores it as text. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

const lowerPath = (path: string): string =>
  (path.length > 1 ? path.replace(/\/+$/, '') : path).toLowerCase();

/** Decides, per request path, whether the plugin answers or fronts it. Built lazily: content types are known by then. */
const routeMatcher = (strapi: Core.Strapi) => {
  let intake: Set<string> | null = null;
  let apiPrefix: string | null = null;
  return {
    isIntake(path: string): boolean {
      intake ??= intakePaths(strapi);
      return intake.has(lowerPath(path));
    },
    isPlugin(path: string): boolean {
      apiPrefix ??=
        `${String(strapi.config.get('api.rest.prefix', '/api'))}/consent/`.toLowerCase();
      const lower = path.toLowerCase();
      return lower.startsWith(apiPrefix) || lower.startsWith('/consent/');
    },
  };
};

const badRequest = (message: string, path: string[]): InstanceType<typeof errors.ValidationError> =>
  new errors.ValidationError(message, { errors: [{ path, message }] });

/**
 * The first problem in a parsed query or body, or null: a key Object.prototype has, a NUL
 * byte, a lone UTF-16 surrogate (no database stores it as text), or a value too deep.
 */
export const findBadInput = (
  value: unknown,
  path: string[] = [],
  depth = 0
): InstanceType<typeof errors.ValidationError> | null => {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return badRequest('must not contain NUL characters', path);
    if (!isWellFormed(value)) return badRequest('must be well-formed Unicode', path);
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth > MAX_DEPTH) return badRequest('nested too deeply', path);
  for (const [key, item] of Object.entries(value)) {
    if (isPrototypeKey(key))
      return badRequest(`field name "${key}" is not allowed`, [...path, key]);
    if (key.includes('\u0000') || !isWellFormed(key))
      return badRequest('field name must be well-formed text without NUL', path);
    const problem = findBadInput(item, [...path, key], depth + 1);
    if (problem) return problem;
  }
  return null;
};

/** A string attribute of a booking type longer than its column, or null (Strapi checks only a declared maxLength). */
const findOverLong = (
  strapi: Core.Strapi,
  path: string,
  body: unknown
): InstanceType<typeof errors.ValidationError> | null => {
  const data =
    typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const { bookings } = getService(strapi, 'config').get();
  const prefix = String(strapi.config.get('api.rest.prefix', '/api'));
  const booking = bookings.find(
    (b) =>
      lowerPath(`${prefix}/${contentTypeOf(strapi, b.uid).info.pluralName}`) === lowerPath(path)
  );
  if (!booking) return null;
  const attributes = contentTypeOf(strapi, booking.uid).attributes as Record<
    string,
    { type?: string }
  >;
  for (const [name, value] of Object.entries(data)) {
    if (!Object.hasOwn(attributes, name) || typeof value !== 'string') continue;
    if (VARCHAR_TYPES.has(attributes[name].type ?? '') && value.length > VARCHAR_LENGTH) {
      return badRequest(`must be at most ${VARCHAR_LENGTH} characters`, ['data', name]);
    }
  }
  return null;
};

/**
 * Registered in `register`, so it runs before the app's middlewares are added: it gives the
 * body parser (`strapi::body`, koa-body) an `onError` that turns a parse failure on the plugin's
 * routes into a 400 in Strapi's error shape (`strapi::errors` renders it, with CORS headers).
 * Errors that already carry a 4xx status (bad JSON, too large) are passed on unchanged, and
 * so is every error on the host's other routes.
 */
export const guardBodyParser = (strapi: Core.Strapi): void => {
  const routes = routeMatcher(strapi);
  const middlewares = strapi.config.get('middlewares', []) as unknown;
  // Not the array Strapi documents: leave it for Strapi to report, do not fail the boot here.
  if (!Array.isArray(middlewares)) return;
  const patched = (
    middlewares as (string | { name?: string; config?: Record<string, unknown> })[]
  ).map((entry) => {
    const name = typeof entry === 'string' ? entry : entry.name;
    if (name !== 'strapi::body') return entry;
    const config = (typeof entry === 'string' ? {} : entry.config) ?? {};
    const hostOnError = config.onError as ((error: Error, ctx: Context) => void) | undefined;
    const onError = (error: Error, ctx: Context): void => {
      const status = (error as { status?: unknown }).status;
      const alreadyClient = typeof status === 'number' && status >= 400 && status < 500;
      const fileTooBig =
        error.message.includes('maxFileSize') && error.message.includes('exceeded');
      if (
        !alreadyClient &&
        !fileTooBig &&
        (routes.isPlugin(ctx.path) || routes.isIntake(ctx.path))
      ) {
        throw badRequest('Malformed request body', []);
      }
      if (hostOnError) hostOnError(error, ctx);
      else throw error;
    };
    return {
      ...(typeof entry === 'string' ? {} : entry),
      name: 'strapi::body',
      config: { ...config, onError },
    };
  });
  strapi.config.set('middlewares', patched);
};

/**
 * Added with `strapi.server.use` in bootstrap: after the body parser and before the router,
 * on the plugin's routes and the booking create routes only. A refused request reaches no
 * validator, controller or database.
 */
export const badInputGuard = (strapi: Core.Strapi) => {
  const routes = routeMatcher(strapi);
  return async (ctx: Context, next: Next): Promise<void> => {
    const intake = ctx.method === 'POST' && routes.isIntake(ctx.path);
    if (!intake && !routes.isPlugin(ctx.path)) {
      await next();
      return;
    }
    const problem =
      findBadInput(ctx.query, ['query']) ??
      findBadInput((ctx.request as { body?: unknown }).body, []) ??
      (intake ? findOverLong(strapi, ctx.path, (ctx.request as { body?: unknown }).body) : null);
    if (problem) throw problem;
    await next();
  };
};
