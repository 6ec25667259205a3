import type { Core } from '@strapi/strapi';
import { z } from '@strapi/utils';
import type { Context } from 'koa';
import { adminActor } from '../utils/admin-user';
import { EXPORT_CONTENT_TYPES } from '../proof';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { exportSchema, statusesSchema } from '../validation/clients';
import {
  adminRecordDecisionsSchema,
  documentIdSchema,
  historyQuerySchema,
} from '../validation/decision';
import type { GetClientConsent, GetClientEvents, GetClientStatuses } from '../contracts';

const pageQuerySchema = z
  .object({
    consent: z.enum(['valid', 'invalid']),
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const subjects = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** A keyset page of subjects with ("valid") or without ("invalid") valid consent. */
  async find(ctx: Context) {
    const query = parse(pageQuerySchema, ctx.query);
    const results = await getService(strapi, 'states').pageSubjects({
      valid: query.consent === 'valid',
      after: query.after,
      limit: query.limit,
    });
    const next = results.length === query.limit ? results[results.length - 1].id : null;
    ctx.body = { data: results, meta: { next } };
  },

  /** The consent status of each client in a page of the Content Manager's list (its status column). */
  async statuses(ctx: Context) {
    const { documentIds } = parse(statusesSchema, ctx.query);
    ctx.body = {
      data: await getService(strapi, 'clients').statuses(documentIds),
    } satisfies GetClientStatuses.Response;
  },

  async consent(ctx: Context) {
    const subject = parse(documentIdSchema, ctx.params.subject);
    await getService(strapi, 'subjects').assertExists(subject);
    const consent = await getService(strapi, 'states').forSubject(subject);
    // Decisions from a public booking page waiting for the client's confirmation by link.
    ctx.body = {
      data: { ...consent, pending: await getService(strapi, 'confirmations').pendingFor(subject) },
    } satisfies GetClientConsent.Response;
  },

  async events(ctx: Context) {
    const subject = parse(documentIdSchema, ctx.params.subject);
    const query = parse(historyQuerySchema, ctx.query);
    await getService(strapi, 'subjects').assertExists(subject);
    const { results, pagination } = await getService(strapi, 'states').history(subject, query);
    ctx.body = { data: results, meta: { pagination } } satisfies GetClientEvents.Response;
  },

  /** Staff record decisions (typically consent given in person), with themselves as the recorder. */
  async record(ctx: Context) {
    const subject = parse(documentIdSchema, ctx.params.subject);
    const input = parse(adminRecordDecisionsSchema, ctx.request.body);
    const events = await getService(strapi, 'ledger').record({
      subject,
      decisions: input.decisions,
      channel: input.channel,
      locale: input.locale,
      source: input.source ?? 'admin',
      note: input.note,
      actor: adminActor(ctx),
      ip: ctx.request.ip,
      userAgent: ctx.request.get('user-agent') || null,
    });
    ctx.status = 201;
    ctx.body = {
      data: { events, consent: await getService(strapi, 'states').forSubject(subject) },
    };
  },

  /** The subject's full event history as a CSV, JSON or XLSX download, streamed (and audited). */
  async export(ctx: Context) {
    const subject = parse(documentIdSchema, ctx.params.subject);
    const { format, locale, source } = parse(exportSchema, ctx.query);
    const stream = await getService(strapi, 'history-export').stream(
      subject,
      format,
      getService(strapi, 'audit').actorOf(ctx),
      locale ?? getService(strapi, 'config').get().defaultLocale,
      source
    );
    ctx.set('Content-Type', EXPORT_CONTENT_TYPES[format]);
    ctx.set('Content-Disposition', `attachment; filename="consent-history-${subject}.${format}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = stream;
  },

  async rebuild(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'states').rebuild() };
  },
});

export default subjects;
