/**
 * `record[key]` only when the record holds that key itself. Keys that come from requests
 * (a locale, a purpose, a form field) must never find a property of Object.prototype:
 * `{}['constructor']` is a function, and code expecting a string or an object then throws (a 500).
 */
export const own = <T>(
  record: Readonly<Record<string, T>> | null | undefined,
  key: string
): T | undefined => (record != null && Object.hasOwn(record, key) ? record[key] : undefined);
