import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { Readable } from 'node:stream';
import type {
  CreateDsrRequest,
  DsrRequest,
  ExtendDsrRequest,
  GetDsrRequest,
  GetDsrRequests,
  LinkDsrAction,
  TransitionDsrRequest,
} from '../contracts';
import { adminActor } from '../utils/admin-user';
import { csvRow } from '../utils/csv';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { xlsxStream } from '../utils/xlsx';
import { documentIdSchema } from '../validation/decision';
import {
  createDsrSchema,
  exportDsrSchema,
  extendDsrSchema,
  linkDsrActionSchema,
  listDsrSchema,
  transitionDsrSchema,
} from '../validation/dsr';

/** The register's columns, in order, as exported for the supervisory authority. */
const EXPORT_COLUMNS = [
  'documentId',
  'kind',
  'status',
  'client',
  'channel',
  'receivedAt',
  'dueAt',
  'overdue',
  'extensionMonths',
  'extendedAt',
  'extensionReason',
  'verificationMethod',
  'verifiedBy',
  'verifiedAt',
  'refusalReason',
  'closedAt',
  'actions',
] as const satisfies readonly (keyof DsrRequest)[];

const cell = (request: DsrRequest, column: (typeof EXPORT_COLUMNS)[number]): unknown =>
  column === 'actions'
    ? request.actions.map((a) => `${a.type}:${a.reference}`).join('; ')
    : request[column];

/** Admin API: the register of data-subject requests (Art. 12(3), 15-21). */
const dsr = ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => getService(strapi, 'dsr');
  const id = (ctx: Context) => parse(documentIdSchema, ctx.params.id);

  return {
    async create(ctx: Context) {
      const input = parse(createDsrSchema, ctx.request.body ?? {});
      ctx.status = 201;
      ctx.body = {
        data: await service().create(input, adminActor(ctx)),
      } satisfies CreateDsrRequest.Response;
    },

    async find(ctx: Context) {
      const query = parse(listDsrSchema, ctx.query);
      const { data, next } = await service().list(query);
      ctx.body = { data, meta: { next } } satisfies GetDsrRequests.Response;
    },

    async findOne(ctx: Context) {
      ctx.body = { data: await service().findOne(id(ctx)) } satisfies GetDsrRequest.Response;
    },

    async transition(ctx: Context) {
      const documentId = id(ctx);
      const input = parse(transitionDsrSchema, ctx.request.body ?? {});
      ctx.body = {
        data: await service().transition(documentId, input, adminActor(ctx)),
      } satisfies TransitionDsrRequest.Response;
    },

    async extend(ctx: Context) {
      const documentId = id(ctx);
      const input = parse(extendDsrSchema, ctx.request.body ?? {});
      ctx.body = {
        data: await service().extend(documentId, input, adminActor(ctx)),
      } satisfies ExtendDsrRequest.Response;
    },

    async linkAction(ctx: Context) {
      const documentId = id(ctx);
      const input = parse(linkDsrActionSchema, ctx.request.body ?? {});
      ctx.status = 201;
      ctx.body = {
        data: await service().linkAction(documentId, input, adminActor(ctx)),
      } satisfies LinkDsrAction.Response;
    },

    /** The whole register as CSV or XLSX, streamed, for the supervisory authority (audited). */
    async export(ctx: Context) {
      const { format } = parse(exportDsrSchema, ctx.query);
      const counts = await service().counts();
      await getService(strapi, 'audit').record({
        action: 'export.dsr-register',
        actor: getService(strapi, 'audit').actorOf(ctx),
        details: { format, open: counts.open },
      });
      const requests = service().all();
      async function* rows() {
        for await (const r of requests) yield EXPORT_COLUMNS.map((c) => cell(r, c));
      }
      async function* csv() {
        yield csvRow([...EXPORT_COLUMNS]);
        for await (const row of rows()) yield csvRow(row);
      }
      const date = getService(strapi, 'clock').now().toISOString().slice(0, 10);
      ctx.set(
        'Content-Type',
        format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
      );
      ctx.set('Content-Disposition', `attachment; filename="dsr-register-${date}.${format}"`);
      ctx.set('Cache-Control', 'no-store');
      ctx.body =
        format === 'csv'
          ? Readable.from(csv())
          : xlsxStream(strapi, {
              sheet: 'Data-subject requests',
              headings: [...EXPORT_COLUMNS],
              rows: rows(),
            });
    },
  };
};

export default dsr;
