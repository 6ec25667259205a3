import type { Core } from '@strapi/strapi';
import { exportLabels } from './export-labels';
import { Readable } from 'node:stream';
import { UID } from '../constants';
import { csvRow } from '../utils/csv';
import { xlsxStream } from '../utils/xlsx';
import { getService } from '../utils/get-service';
import type { AuditEntryInput } from './audit';
import type { EventRow } from '../types';

export { EXPORT_FORMATS } from '../contracts';
import type { ExportFormat } from '../contracts';
export type { ExportFormat };

/** The exported fields of an event, in column order (the proof: who, what, which text, how, when, evidence). */
export const EXPORT_FIELDS = [
  'id',
  'documentId',
  'occurredAt',
  'purposeKey',
  'decision',
  'explicit',
  'textVersion',
  'textHash',
  'textLocale',
  'textId',
  'channel',
  'source',
  'actorType',
  'actorId',
  'actorName',
  'ip',
  'userAgent',
  'bookingId',
  'requestId',
  'note',
] as const satisfies readonly (keyof EventRow)[];

const BATCH = 500;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * A subject's full event history as a download, streamed: events are read in
 * keyset batches (oldest first) and written as they come, so memory does not
 * grow with the history.
 */
const historyExport = ({ strapi }: { strapi: Core.Strapi }) => ({
  async *events(subject: string): AsyncGenerator<EventRow> {
    let after = 0;
    for (;;) {
      const rows = (await strapi.db.query(UID.event).findMany({
        where: { subject, id: { $gt: after } },
        orderBy: { id: 'asc' },
        limit: BATCH,
      })) as EventRow[];
      for (const row of rows) yield row;
      if (rows.length < BATCH) return;
      after = rows[rows.length - 1].id;
    }
  },

  /**
   * The stream of the file; throws a 404 before anything is streamed when the
   * subject does not exist. The audit entry is written first, with the number of
   * events the history holds when the export starts.
   */
  async stream(
    subject: string,
    format: ExportFormat,
    actor?: AuditEntryInput['actor'],
    /** The XLSX headings' language (CSV and JSON keep the field keys). */
    locale = 'en'
  ): Promise<Readable> {
    await getService(strapi, 'subjects').assertExists(subject);
    if (actor) {
      const count = await strapi.db.query(UID.event).count({ where: { subject } });
      await getService(strapi, 'audit').record({
        action: 'export.history',
        actor,
        subject,
        details: { format, events: Number(count) },
      });
    }
    const events = this.events(subject);
    if (format === 'xlsx') return this.xlsx(events, locale);
    const pick = (e: EventRow) => Object.fromEntries(EXPORT_FIELDS.map((f) => [f, e[f] ?? null]));
    async function* csv() {
      yield csvRow([...EXPORT_FIELDS]);
      for await (const e of events) yield csvRow(EXPORT_FIELDS.map((f) => e[f]));
    }
    async function* json() {
      yield `{"subject":${JSON.stringify(subject)},"exportedAt":${JSON.stringify(new Date().toISOString())},"events":[`;
      let first = true;
      for await (const e of events) {
        yield `${first ? '' : ','}\n${JSON.stringify(pick(e))}`;
        first = false;
      }
      yield '\n]}\n';
    }
    return Readable.from(format === 'csv' ? csv() : json());
  },

  /**
   * XLSX through exceljs's streaming writer: inline strings (a shared-strings
   * table would keep every distinct text of the history in memory until the end)
   * and no styles; each row is committed as it is written, so only the ZIP
   * compressor's window is held, and reading waits for the download to drain.
   */
  xlsx(events: AsyncGenerator<EventRow>, locale = 'en'): Readable {
    async function* rows() {
      for await (const e of events) yield EXPORT_FIELDS.map((f) => e[f]);
    }
    return xlsxStream(strapi, {
      sheet: 'Consent history',
      headings: exportLabels(locale, EXPORT_FIELDS),
      rows: rows(),
      batch: BATCH,
    });
  },
});

export default historyExport;
