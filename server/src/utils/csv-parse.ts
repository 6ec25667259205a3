/**
 * A small RFC 4180 reader for uploaded CSV files: quoted fields (with doubled
 * quotes, separators and line breaks inside), CRLF or LF line ends, a `,` or `;`
 * separator (spreadsheets in many European locales write `;`), a UTF-8 byte-order
 * mark. It never guesses past a malformed file: an unbalanced quote, text after
 * a closing quote, or a record with a different number of fields than the header
 * is reported with its line number and nothing is returned to act on.
 */
export interface CsvRecord {
  /** The line of the file where the record starts (1-based; the header is line 1). */
  line: number;
  cells: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

export type CsvParseResult =
  | { ok: true; separator: ',' | ';'; header: string[]; records: CsvRecord[] }
  | { ok: false; problems: CsvProblem[] };

/** The separator of the header line: the one of `,` and `;` that occurs more often outside quotes. */
export const detectSeparator = (text: string): ',' | ';' => {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char === ',') commas += 1;
    else if (!quoted && char === ';') semicolons += 1;
  }
  return semicolons > commas ? ';' : ',';
};

export const parseCsv = (input: string, options: { maxRecords?: number } = {}): CsvParseResult => {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const separator = detectSeparator(text);
  const problems: CsvProblem[] = [];
  const rows: CsvRecord[] = [];

  let line = 1;
  let startLine = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  /** The current cell was quoted and its closing quote has been read. */
  let closed = false;
  let quoteLine = 0;
  /** Whether the current record has any content (an empty line is skipped, not a record). */
  let touched = false;

  const endRecord = () => {
    cells.push(cell);
    if (touched || cells.length > 1 || cell !== '') rows.push({ line: startLine, cells });
    cells = [];
    cell = '';
    closed = false;
    touched = false;
  };

  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else {
          quoted = false;
          closed = true;
        }
      } else {
        if (char === '\n') line += 1;
        cell += char;
      }
      continue;
    }
    if (char === separator) {
      cells.push(cell);
      cell = '';
      closed = false;
      touched = true;
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      startLine = line;
    } else if (char === '"') {
      if (cell === '' && !closed) {
        quoted = true;
        quoteLine = line;
        touched = true;
      } else {
        problems.push({
          line,
          message: 'a quote inside an unquoted field (quote the whole field and double the quote)',
        });
        cell += char;
      }
    } else if (closed) {
      problems.push({
        line,
        message: 'text after a closing quote (a field must be wholly quoted or not at all)',
      });
      closed = false;
      cell += char;
    } else {
      cell += char;
      touched = true;
    }
    if (options.maxRecords && rows.length > options.maxRecords + 1) {
      return {
        ok: false,
        problems: [{ line, message: `more than ${options.maxRecords} records` }],
      };
    }
  }
  if (quoted)
    problems.push({
      line: quoteLine,
      message: 'a quoted field is never closed (unbalanced quote)',
    });
  else endRecord();

  if (problems.length > 0) return { ok: false, problems };
  if (rows.length === 0)
    return {
      ok: false,
      problems: [{ line: 1, message: 'the file is empty: a header row is needed' }],
    };
  const [head, ...records] = rows;
  const header = head.cells.map((h) => h.trim());
  for (const record of records) {
    if (record.cells.length !== header.length) {
      problems.push({
        line: record.line,
        message: `${record.cells.length} fields where the header has ${header.length}`,
      });
    }
  }
  if (options.maxRecords && records.length > options.maxRecords) {
    problems.push({ line: 1, message: `more than ${options.maxRecords} records` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, separator, header, records };
};
