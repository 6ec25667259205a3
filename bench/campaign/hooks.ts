/**
 * Hooks into the running demo app for a measurement: a consent service's
 * method replaced (and put back), and the SQL knex sends.
 */
import type { Core } from '@strapi/strapi';

export type AnyFn = (...args: unknown[]) => unknown;

/** Replace the consent plugin's `service.method` with `make(original)`; returns the undo. */
export const patchService = (
  strapi: Core.Strapi,
  service: string,
  method: string,
  make: (original: AnyFn) => AnyFn
): (() => void) => {
  const target = strapi.plugin('consent').service(service) as Record<string, AnyFn>;
  const original = target[method];
  target[method] = make(original);
  return () => {
    target[method] = original;
  };
};

/** Listen to every query knex sends for the app; returns the undo. */
export const onQuery = (
  strapi: Core.Strapi,
  listener: (q: { sql: string; bindings: unknown[] }) => void
): (() => void) => {
  const knexClient = strapi.db.connection.client;
  knexClient.on('query', listener);
  return () => knexClient.off('query', listener);
};

/** A statement as one line, its placeholders as ?, lists of them folded: what statements are counted by. */
export const normaliseSql = (sql: string) =>
  sql
    .replace(/\s+/g, ' ')
    .replace(/\$\d+/g, '?')
    .replace(/(\?, )+\?/g, '?, ...')
    .slice(0, 150);
