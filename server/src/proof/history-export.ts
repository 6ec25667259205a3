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

/** A column of an export: the event's fields, and the subject in the cross-subject export. */
export type ExportField = (typeof EXPORT_FIELDS)[number] | 'subject';

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
/** Which events an export or a listing takes: one subject's, one source's, or one subject's from one source. */
export interface EventFilter {
  subject?: string;
  source?: string;
}

const whereOf = (filter: EventFilter): Record<string, unknown> => ({
  ...(filter.subject !== undefined ? { subject: filter.subject } : {}),
  ...(filter.source !== undefined ? { source: filter.source } : {}),
});

/**
 * Event histories as downloads, streamed: events are read in keyset batches (oldest
 * first) and written as they come, so memory does not grow with the history. A
 * subject's history reads through the subject index, a source's through
 * consent_events_source_idx (source, id): the cost follows the events taken.
 */
const historyExport = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** A subject's events (a string, as before), or those a filter names, oldest first. */
  async *events(filter: string | EventFilter): AsyncGenerator<EventRow> {
    const where = whereOf(typeof filter === 'string' ? { subject: filter } : filter);
    let after = 0;
    for (;;) {
      const rows = (await strapi.db.query(UID.event).findMany({
        where: { ...where, id: { $gt: after } },
        orderBy: { id: 'asc' },
        limit: BATCH,
      })) as EventRow[];
      for (const row of rows) yield row;
      if (rows.length < BATCH) return;
      after = rows[rows.length - 1].id;
    }
  },

  /**
   * One source's events across all clients, newest first, keyset-paged by id
   * (`before`: the `next` of the previous page). One index range per page.
   */
  async page({
    source,
    before,
    limit = 50,
  }: {
    source?: string;
    before?: number;
    limit?: number;
  }): Promise<{ events: EventRow[]; next: number | null }> {
    const rows = (await strapi.db.query(UID.event).findMany({
      where: { ...whereOf({ source }), ...(before ? { id: { $lt: before } } : {}) },
      orderBy: { id: 'desc' },
      limit: limit + 1,
    })) as EventRow[];
    const events = rows.slice(0, limit);
    return { events, next: rows.length > limit ? events[events.length - 1].id : null };
  },

  /**
   * The stream of the file; throws a 404 before anything is streamed when the
   * subject does not exist. The audit entry is written first, with the number of
   * events the export holds when it starts.
   */
  async stream(
    subject: string,
    format: ExportFormat,
    actor?: AuditEntryInput['actor'],
    /** The XLSX headings' language (CSV and JSON keep the field keys). */
    locale = 'en',
    /** Only the events collected there (an event's `source`, compared exactly). */
    source?: string
  ): Promise<Readable> {
    await getService(strapi, 'subjects').assertExists(subject);
    return this.file({ subject, source }, format, actor, locale);
  },

  /** The events of a filter as a file, audited first (`export.history` for a subject, `export.events` otherwise). */
  async file(
    filter: EventFilter,
    format: ExportFormat,
    actor?: AuditEntryInput['actor'],
    locale = 'en'
  ): Promise<Readable> {
    if (actor) {
      const count = await strapi.db.query(UID.event).count({ where: whereOf(filter) });
      await getService(strapi, 'audit').record({
        action: filter.subject !== undefined ? 'export.history' : 'export.events',
        actor,
        subject: filter.subject ?? null,
        details: {
          format,
          events: Number(count),
          ...(filter.source !== undefined ? { source: filter.source } : {}),
        },
      });
    }
    // The cross-subject file names each event's subject; a subject's history does not repeat it.
    const fields: readonly ExportField[] =
      filter.subject !== undefined ? EXPORT_FIELDS : ['subject', ...EXPORT_FIELDS];
    const events = this.events(filter);
    if (format === 'xlsx') return this.xlsx(events, locale, fields);
    const pick = (e: EventRow) => Object.fromEntries(fields.map((f) => [f, e[f] ?? null]));
    // The JSON names what it holds: the subject, the source, or both.
    const head = [
      ...(filter.subject !== undefined ? [`"subject":${JSON.stringify(filter.subject)}`] : []),
      ...(filter.source !== undefined ? [`"source":${JSON.stringify(filter.source)}`] : []),
    ].join(',');
    async function* csv() {
      yield csvRow([...fields]);
      for await (const e of events) yield csvRow(fields.map((f) => e[f]));
    }
    async function* json() {
      yield `{${head ? `${head},` : ''}"exportedAt":${JSON.stringify(new Date().toISOString())},"events":[`;
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
  xlsx(
    events: AsyncGenerator<EventRow>,
    locale = 'en',
    fields: readonly ExportField[] = EXPORT_FIELDS
  ): Readable {
    async function* rows() {
      for await (const e of events) yield fields.map((f) => e[f]);
    }
    return xlsxStream(strapi, {
      sheet: 'Consent history',
      headings: exportLabels(locale, fields),
      rows: rows(),
      batch: BATCH,
    });
  },
});

export default historyExport;
