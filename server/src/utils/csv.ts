/**
 * CSV cells and rows (RFC 4180): fields with a comma, quote or line break are
 * quoted, quotes doubled, rows end with CRLF. A text cell that a spreadsheet
 * would read as a formula (starting with = + - @, or a tab or carriage return)
 * is prefixed with a single quote (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const csvRow = (values: unknown[]): string => `${values.map(csvCell).join(',')}\r\n`;
