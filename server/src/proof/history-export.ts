import type { Core } from '@strapi/strapi';
import { exportLabels } from './export-labels';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { UID } from '../constants';
import { csvRow } from '../utils/csv';
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

/** A cell of the XLSX sheet: numbers and booleans keep their type, dates are ISO 8601 text (unambiguous in every locale). */
const xlsxCell = (value: unknown): string | number | boolean | null => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
};

/** Uncompressed XML the sheet may hold ahead of the ZIP writer before reading waits. */
const SHEET_BACKLOG_BYTES = 256 * 1024;

interface StreamState {
  length: number;
}
type SheetStream = {
  pipes?: { destroyed?: boolean; _writableState?: StreamState; _readableState?: StreamState }[];
};

/** Bytes waiting in a stream (readable-stream's or Node's: both keep these states). */
const backlogOf = (stream: NonNullable<SheetStream['pipes']>[number]): number =>
  (stream._writableState?.length ?? 0) + (stream._readableState?.length ?? 0);

/**
 * Wait until the download has taken what was written, end to end. exceljs's sheet
 * stream writes into the ZIP writer's input without heeding its return value, so
 * without this the XML of a large history piles up in front of the compressor,
 * which is slower than reading the events (bench/HISTORY.md, export). That input is itself held
 * back by the response through the pipes behind it, so waiting for it to go down
 * paces the reading of events to the download. The streams are internals of
 * exceljs and archiver: if they are not found, only the response is waited for.
 */
const drained = async (output: PassThrough, sheet: unknown): Promise<void> => {
  const input = (sheet as { stream?: SheetStream }).stream?.pipes?.[0];
  while (input && !input.destroyed && !output.destroyed && backlogOf(input) > SHEET_BACKLOG_BYTES) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  if (output.destroyed) throw new Error('the download was aborted');
  if (output.writableNeedDrain) await Promise.race([once(output, 'drain'), once(output, 'close')]);
  await new Promise((resolve) => setImmediate(resolve));
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
    const output = new PassThrough();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: output,
      useStyles: false,
      useSharedStrings: false,
    });
    workbook.creator = 'strapi-plugin-consent';
    const sheet = workbook.addWorksheet('Consent history');
    const write = async () => {
      sheet.addRow(exportLabels(locale, EXPORT_FIELDS)).commit();
      let n = 0;
      for await (const e of events) {
        sheet.addRow(EXPORT_FIELDS.map((f) => xlsxCell(e[f]))).commit();
        n += 1;
        if (n % BATCH === 0) await drained(output, sheet);
      }
      sheet.commit();
      await workbook.commit();
    };
    write().catch((error: Error) => {
      // An aborted download stops the reading; anything else is logged and ends the stream with an error.
      if (!output.destroyed) {
        strapi.log.error(`[consent] XLSX export failed: ${error.message}`);
        output.destroy(error);
      }
      void events.return(undefined);
    });
    return output;
  },
});

export default historyExport;
