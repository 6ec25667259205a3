import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { EXPORT_CONTENT_TYPES } from '../proof';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { eventsExportSchema, eventsPageSchema } from '../validation/clients';
import type { GetEvents } from '../contracts';

/** A source as a file name part: what is not a letter, digit, `_` or `-` becomes `_`. */
const fileSafe = (source: string) => source.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64);

/** Admin API: consent events across all clients, by source (collection point). */
const events = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Newest first, keyset-paged by id; `?source=` keeps one source's events. */
  async find(ctx: Context) {
    const query = parse(eventsPageSchema, ctx.query);
    ctx.body = {
      data: await getService(strapi, 'history-export').page(query),
    } satisfies GetEvents.Response;
  },

  /** One source's events as a CSV, JSON or XLSX download, streamed (and audited as `export.events`). */
  async export(ctx: Context) {
    const { format, locale, source } = parse(eventsExportSchema, ctx.query);
    const stream = await getService(strapi, 'history-export').file(
      { source },
      format,
      getService(strapi, 'audit').actorOf(ctx),
      locale ?? getService(strapi, 'config').get().defaultLocale
    );
    ctx.set('Content-Type', EXPORT_CONTENT_TYPES[format]);
    ctx.set(
      'Content-Disposition',
      `attachment; filename="consent-events-${fileSafe(source)}.${format}"`
    );
    ctx.set('Cache-Control', 'no-store');
    ctx.body = stream;
  },
});

export default events;
