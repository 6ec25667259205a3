import da from './da';
import en from './en';
import sv from './sv';
import type { PageStrings } from './types';

export type { PageStrings } from './types';

/**
 * A Map, not a plain object: the keys come from request headers, and `STRINGS['constructor']`
 * on an object literal finds Object's constructor (an `Accept-Language: constructor` gave 500).
 */
const STRINGS = new Map<string, PageStrings>([
  ['en', en],
  ['da', da],
  ['sv', sv],
]);

/** The locales the public pages are written in. */
export const PAGE_LOCALES = [...STRINGS.keys()];

export const stringsFor = (locale: string): PageStrings => STRINGS.get(locale) ?? en;

const supported = (tag: string): string | null => {
  const lower = tag.trim().toLowerCase();
  if (STRINGS.has(lower)) return lower;
  const primary = lower.split('-')[0];
  return STRINGS.has(primary) ? primary : null;
};

/** The languages of an Accept-Language header, most preferred first (q=0 and "*" dropped). */
export const acceptedLanguages = (header: string | undefined): string[] =>
  (header ?? '')
    // A real header is short; a long one is not worth parsing.
    .slice(0, 512)
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.split(';');
      const q = params
        .map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1])
        .find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag !== '' && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);

/**
 * The page language: the request's own locale (the client's language when it was
 * sent), else the browser's preference, else the configured default, else English.
 */
export const pickLocale = (options: {
  requestLocale?: string | null;
  acceptLanguage?: string;
  defaultLocale: string;
}): string => {
  const candidates = [
    options.requestLocale ?? '',
    ...acceptedLanguages(options.acceptLanguage),
    options.defaultLocale,
  ];
  for (const candidate of candidates) {
    const locale = candidate ? supported(candidate) : null;
    if (locale) return locale;
  }
  return 'en';
};
