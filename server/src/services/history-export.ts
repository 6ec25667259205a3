import type { Core } from '@strapi/strapi';
import { Readable } from 'node:stream';
import { UID } from '../constants';
import { csvRow } from '../utils/csv';
import { getService } from '../utils/get-service';
import type { EventRow } from './types';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

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

  /** The stream of the file; throws a 404 before anything is streamed when the subject does not exist. */
  async stream(subject: string, format: ExportFormat): Promise<Readable> {
    await getService(strapi, 'subjects').assertExists(subject);
    const events = this.events(subject);
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
});

export default historyExport;
