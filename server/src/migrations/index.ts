import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';

/**
 * One-off data migrations of the plugin: each runs once per database, after Strapi's
 * schema sync (the columns it fills exist by then), and is recorded by name in the core
 * store, the way Strapi records its own one-off repair ('unidirectional-join-table-repair-ran').
 * Strapi's internal migration provider (`strapi.db.migrations.providers.internal`) runs
 * before the sync, when a column this version adds is not there yet, so it cannot hold these.
 *
 * Before, both ran on every boot. Run once, a later boot no longer chains a history that
 * somebody wrote into consent_events by SQL (verify reports it instead), and a boot costs
 * two set-based statements less.
 */
export interface Migration {
  /** `<plugin version>-<what it does>`; never renamed once released (it is the record's key). */
  name: string;
  up: (strapi: Core.Strapi) => Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    // Events recorded before the hash chain existed get their chains (whole histories only).
    name: '0.1.0-chain-events-recorded-before-the-chain',
    up: async (strapi) => {
      await getService(strapi, 'proof').backfill();
    },
  },
  {
    // Summary rows written before the reason column existed get one (set-based).
    name: '0.1.0-reason-of-summaries-written-before-the-column',
    up: (strapi) => getService(strapi, 'states').recomputeReasons({ onlyUnset: true }),
  },
  {
    // Clients erased before summaries carried erased_at get it (and a summary row when they had none).
    name: '0.1.0-erased-at-of-summaries-of-erased-clients',
    up: (strapi) => getService(strapi, 'states').syncErased(),
  },
];

const STORE = { type: 'plugin', name: 'consent', key: 'migrations' } as const;

/** The names of the migrations this database has run. */
export const ranMigrations = async (strapi: Core.Strapi): Promise<string[]> => {
  const value = (await strapi.store.get(STORE)) as unknown;
  return Array.isArray(value)
    ? value.filter((name): name is string => typeof name === 'string')
    : [];
};

/** Runs the pending ones in order, recording each as it completes (a failure stops the boot, as before). */
export const runMigrations = async (
  strapi: Core.Strapi,
  migrations: readonly Migration[] = MIGRATIONS
): Promise<string[]> => {
  const ran = await ranMigrations(strapi);
  const done: string[] = [];
  for (const migration of migrations) {
    if (ran.includes(migration.name)) continue;
    await migration.up(strapi);
    ran.push(migration.name);
    done.push(migration.name);
    await strapi.store.set({ ...STORE, value: ran });
    strapi.log.info(`[consent] migration ${migration.name}: done`);
  }
  return done;
};

/** In `register`: Strapi calls the hook after every schema sync, once per boot. */
export const registerMigrations = (strapi: Core.Strapi): void => {
  strapi.hook('strapi::content-types.afterSync').register(async () => {
    await runMigrations(strapi);
  });
};
