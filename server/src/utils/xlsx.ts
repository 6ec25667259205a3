import type { Core } from '@strapi/strapi';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';

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
 * A one-sheet XLSX download through exceljs's streaming writer: inline strings (a
 * shared-strings table would keep every distinct text in memory until the end) and no
 * styles; each row is committed as it is written, so only the ZIP compressor's window is
 * held, and reading `rows` waits for the download to drain every `batch` rows. Used by
 * the history export and the register of data-subject requests.
 */
export const xlsxStream = (
  strapi: Core.Strapi,
  options: {
    sheet: string;
    headings: string[];
    rows: AsyncGenerator<unknown[]>;
    batch?: number;
  }
): Readable => {
  const { rows, batch = 500 } = options;
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useStyles: false,
    useSharedStrings: false,
  });
  workbook.creator = 'strapi-plugin-consent';
  const sheet = workbook.addWorksheet(options.sheet);
  const write = async () => {
    sheet.addRow(options.headings).commit();
    let n = 0;
    for await (const row of rows) {
      sheet.addRow(row.map(xlsxCell)).commit();
      n += 1;
      if (n % batch === 0) await drained(output, sheet);
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
    void rows.return(undefined);
  });
  return output;
};
