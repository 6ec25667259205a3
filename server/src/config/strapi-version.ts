import type { Core } from '@strapi/strapi';

/**
 * The oldest Strapi the plugin runs on, tested by scripts/consumer-test.mjs (a fresh app at
 * this version and at the newest 5.x). Keep it equal to the floor of the `@strapi/strapi` peer
 * dependency in package.json.
 */
export const STRAPI_FLOOR = '5.37.1';

const parts = (version: string): number[] | null => {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? match.slice(1, 4).map(Number) : null;
};

/** -1, 0 or 1; null when either is not a MAJOR.MINOR.PATCH version. */
export const compareVersions = (a: string, b: string): number | null => {
  const [x, y] = [parts(a), parts(b)];
  if (!x || !y) return null;
  for (let i = 0; i < 3; i += 1) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
};

/**
 * Refuse to start on a Strapi older than the floor, or on another major, with one message
 * that names both versions (on an older 5.x, routes would fail one by one at run time).
 */
export const assertStrapiVersion = (strapi: Core.Strapi): void => {
  const running = String(strapi.config.get('info.strapi') ?? '');
  const order = compareVersions(running, STRAPI_FLOOR);
  // An unreadable version (a prerelease build, a fork): let it start.
  if (order === null) return;
  if (order < 0 || parts(running)?.[0] !== 5) {
    throw new Error(
      `[consent] strapi-plugin-consent needs Strapi ${STRAPI_FLOOR} or a later 5.x; this app runs Strapi ${running}. ` +
        `Upgrade @strapi/strapi (and the other @strapi/* packages of the app) to ${STRAPI_FLOOR} or later.`
    );
  }
};
