import type { Core } from '@strapi/strapi';

const STATE_FIELDS = [
  'subject',
  'purposeKey',
  'decision',
  'explicit',
  'textId',
  'textVersion',
  'textMajor',
  'textHash',
  'textLocale',
  'channel',
  'eventId',
  'decidedAt',
];
const SUMMARY_FIELDS = [
  'subject',
  'requiredFingerprint',
  'reason',
  'lastEventId',
  'lastDecisionAt',
];

const pick = (row: Record<string, unknown>, fields: string[]) =>
  Object.fromEntries(
    fields.map((f) => [
      f,
      f === 'explicit'
        ? Boolean(row[f])
        : row[f] instanceof Date
          ? (row[f] as Date).toISOString()
          : row[f],
    ])
  );

/** The projection as plain rows, in a stable order, without storage-only columns (ids, timestamps). */
export const projection = async (strapi: Core.Strapi) => {
  const states = await strapi.db
    .query('plugin::consent.consent-state')
    .findMany({ orderBy: [{ subject: 'asc' }, { purposeKey: 'asc' }] });
  const summaries = await strapi.db
    .query('plugin::consent.consent-subject')
    .findMany({ orderBy: { subject: 'asc' } });
  return {
    states: states.map((r: Record<string, unknown>) => pick(r, STATE_FIELDS)),
    summaries: summaries.map((r: Record<string, unknown>) => pick(r, SUMMARY_FIELDS)),
  };
};
