import fc from 'fast-check';
import { csvRow } from '../../server/src/utils/csv';
import { detectSeparator, parseCsv } from '../../server/src/utils/csv-parse';
import { identifierKind, parseImportDate } from '../../server/src/rights';

const ok = (text: string) => {
  const result = parseCsv(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
};

describe('CSV reader (RFC 4180)', () => {
  it('reads a header and records, CRLF or LF, with the line each record starts on', () => {
    const r = ok('client,purpose\r\na@example.com,storage\nb@example.com,marketing\n');
    expect(r.header).toEqual(['client', 'purpose']);
    expect(r.records).toEqual([
      { line: 2, cells: ['a@example.com', 'storage'] },
      { line: 3, cells: ['b@example.com', 'marketing'] },
    ]);
  });

  it('reads quoted fields with separators, doubled quotes and line breaks; counts lines inside them', () => {
    const r = ok('a,b\n"x, y","say ""hi"""\n"two\nlines",z\nlast,1');
    expect(r.records).toEqual([
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 3, cells: ['two\nlines', 'z'] },
      { line: 5, cells: ['last', '1'] },
    ]);
  });

  it('detects a semicolon separator and skips a byte-order mark and empty lines', () => {
    expect(detectSeparator('client;purpose;date\n')).toBe(';');
    expect(detectSeparator('"a;b",c\n')).toBe(',');
    const r = ok('\uFEFFclient;purpose\n\nx;y\n\n');
    expect(r).toMatchObject({
      separator: ';',
      header: ['client', 'purpose'],
      records: [{ line: 3, cells: ['x', 'y'] }],
    });
  });

  it('reports an unbalanced quote with the line where it opened', () => {
    expect(parseCsv('a,b\n1,2\n"open,3\n4,5\n')).toEqual({
      ok: false,
      problems: [{ line: 3, message: expect.stringMatching(/never closed/) }],
    });
  });

  it('reports a wrong number of fields, quotes inside unquoted fields and text after a closing quote', () => {
    const r = parseCsv('a,b\n1,2,3\n4\nx"y,2\n"q"z,2\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.line)).toEqual([4, 5]);
    const counts = parseCsv('a,b\n1,2,3\n4\n');
    expect(counts).toEqual({
      ok: false,
      problems: [
        { line: 2, message: '3 fields where the header has 2' },
        { line: 3, message: '1 fields where the header has 2' },
      ],
    });
  });

  it('an empty file has no header', () => {
    expect(parseCsv('')).toMatchObject({ ok: false, problems: [{ line: 1 }] });
    expect(parseCsv('\n\n')).toMatchObject({ ok: false });
  });

  it('stops at the record limit', () => {
    expect(parseCsv('a\n1\n2\n3\n', { maxRecords: 2 })).toMatchObject({
      ok: false,
      problems: [{ message: 'more than 2 records' }],
    });
    expect(parseCsv('a\n1\n2\n', { maxRecords: 2 })).toMatchObject({ ok: true });
  });

  it('reads back whatever the CSV writer writes (property)', () => {
    const cell = fc.string({ maxLength: 12 }).filter((s) => !/^[=+\-@\t\r]/.test(s));
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }),
        (rows) => {
          const text = csvRow(['h1', 'h2']) + rows.map((r) => csvRow(r)).join('');
          const parsed = parseCsv(text);
          // A record of two empty cells is "," and still a record; only wholly empty lines are skipped.
          expect(parsed.ok).toBe(true);
          if (parsed.ok) expect(parsed.records.map((r) => r.cells)).toEqual(rows);
        }
      )
    );
  });
});

describe('import cells', () => {
  it('dates: ISO 8601 dates at midnight UTC, date-times with or without an offset; nothing else', () => {
    expect(parseImportDate('2019-05-31')?.toISOString()).toBe('2019-05-31T00:00:00.000Z');
    expect(parseImportDate('2019-05-31T14:30:00Z')?.toISOString()).toBe('2019-05-31T14:30:00.000Z');
    expect(parseImportDate('2019-05-31T14:30:00+02:00')?.toISOString()).toBe(
      '2019-05-31T12:30:00.000Z'
    );
    expect(parseImportDate('2019-05-31 14:30')?.toISOString()).toBe('2019-05-31T14:30:00.000Z');
    for (const bad of [
      '2019-02-30',
      '31/05/2019',
      '2019-13-01',
      'yesterday',
      '2019-05-31T25:00:00Z',
      '',
    ])
      expect([bad, parseImportDate(bad)]).toEqual([bad, null]);
  });

  it('client identifiers: an email, a phone number or a document id, or the kind the file names', () => {
    expect(identifierKind('Ann@Example.com', 'auto')).toBe('email');
    expect(identifierKind('+45 20 30 40 50', 'auto')).toBe('phone');
    expect(identifierKind('c0123456789abcdefghijklm', 'auto')).toBe('documentId');
    expect(identifierKind('Ann Berg', 'auto')).toBeNull();
    expect(identifierKind('12345', 'documentId')).toBe('documentId');
  });
});
