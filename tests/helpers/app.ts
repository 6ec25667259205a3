import { createStrapi, type Core } from '@strapi/strapi';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import { logBoot } from './boot-log';
import { ensureCompiled } from './compile';
import { resetDatabase } from './database';
import { APP_DIR } from './paths';

export const DEMO_ADMIN = { email: 'admin@example.com', password: 'Consent-demo-2026' };

const secret = () => randomBytes(16).toString('base64');

export interface TestApp {
  strapi: Core.Strapi;
  http: () => request.Agent;
  /** Bearer token of the demo super admin. */
  adminToken: () => Promise<string>;
  stop: () => Promise<void>;
}

/** The environment every boot gets: fresh secrets, quiet logs, the demo admin. */
export const baseEnv = () => ({
  NODE_ENV: 'test',
  STRAPI_TELEMETRY_DISABLED: 'true',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  DEMO_QUIET: 'true',
  APP_KEYS: [secret(), secret()].join(','),
  API_TOKEN_SALT: secret(),
  ADMIN_JWT_SECRET: secret(),
  TRANSFER_TOKEN_SALT: secret(),
  JWT_SECRET: secret(),
  ENCRYPTION_KEY: secret(),
  DEMO_ADMIN_EMAIL: DEMO_ADMIN.email,
  DEMO_ADMIN_PASSWORD: DEMO_ADMIN.password,
  CONSENT_TRUSTED_API_TOKENS: 'booking-server',
  // The suites post many bookings from 127.0.0.1; intake-rate-limit.test.ts sets a low limit.
  CONSENT_INTAKE_RATE_MAX: '1000000',
  // Jest reports an unhandled rejection as a failure: the in-process app leaves them to it (instance.ts turns it back on).
  DEMO_SURVIVE_UNHANDLED_REJECTIONS: 'false',
  // A throwaway database needs no durability against a crash of the machine: no fsync per
  // commit (SQLite: PRAGMA synchronous, PostgreSQL: synchronous_commit for these sessions).
  // Transactions, locks and constraints behave the same; the fsyncs were most of a boot.
  DATABASE_SQLITE_SYNCHRONOUS: process.env.DATABASE_SQLITE_SYNCHRONOUS ?? 'OFF',
  PGOPTIONS: noSyncCommit(process.env.PGOPTIONS),
});

/** PGOPTIONS for node-pg's sessions (libpq's variable, read by node-pg): synchronous_commit off, added once. */
const noSyncCommit = (options: string | undefined) =>
  options?.includes('synchronous_commit')
    ? options
    : [options, '-c synchronous_commit=off'].filter(Boolean).join(' ');

export interface StartOptions {
  /** Keep the database of the previous boot (restart scenarios). */
  keepDatabase?: boolean;
  env?: Record<string, string>;
  /** The app to boot: the demo app (playground/) unless a test names another one (tests/apps/). */
  appDir?: string;
  /** Its compiled output: `<appDir>/dist` unless given. */
  distDir?: string;
  /** Runs after the app's and plugins' register(), before bootstrap (routes, input params, controllers). */
  register?: (strapi: Core.Strapi) => void;
}

/**
 * Compile a test app other than the demo (which the global setup compiles): in the test file
 * that boots it, so only that file pays for it (~3 s), and not again while its sources are unchanged.
 */
export const compileApp = async (appDir: string): Promise<void> => {
  await ensureCompiled(appDir);
};

/** Boot the real demo app (or options.appDir) in this process on this worker's database and serve it over HTTP. */
export const startApp = async (options: StartOptions = {}): Promise<TestApp> => {
  const started = Date.now();
  const cpuAtStart = process.cpuUsage();
  const appDir = options.appDir ?? APP_DIR;
  const distDir = options.distDir ?? path.join(appDir, 'dist');
  const dbEnv = options.keepDatabase ? {} : await resetDatabase(appDir);
  Object.assign(process.env, baseEnv(), dbEnv, options.env ?? {});
  if (options.keepDatabase && !process.env.APP_KEYS) Object.assign(process.env, baseEnv());

  const strapi = createStrapi({ appDir, distDir, autoReload: false, serveAdminPanel: false });
  if (options.register) {
    const register = strapi.register.bind(strapi);
    strapi.register = async () => {
      await register();
      options.register?.(strapi);
      return strapi;
    };
  }
  try {
    await strapi.load();
    await strapi.server.mount();
  } catch (error) {
    await strapi.destroy().catch(() => undefined);
    throw error;
  }
  logBoot('startApp', started, cpuAtStart);

  let token: string | null = null;
  const http = () => request.agent(strapi.server.httpServer);
  return {
    strapi,
    http,
    adminToken: async () => {
      token ??= await login(http(), DEMO_ADMIN.email, DEMO_ADMIN.password);
      return token;
    },
    stop: async () => {
      await settle(strapi);
      await strapi.destroy();
    },
  };
};

/**
 * Wait until the database pool is idle. Strapi's document service emits its
 * entry.* events after commit without awaiting them, and each one reads the entry
 * again: destroying Strapi right after a test's last write would make that read
 * run on a closed pool and crash the process later.
 */
const settle = async (strapi: Core.Strapi) => {
  const pool = (
    strapi.db.connection.client as { pool?: { numUsed(): number; numPendingAcquires(): number } }
  ).pool;
  for (let i = 0; i < 100 && pool; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (pool.numUsed() === 0 && pool.numPendingAcquires() === 0) return;
  }
};

export const login = async (
  agent: request.Agent,
  email: string,
  password: string
): Promise<string> => {
  const res = await agent.post('/admin/login').send({ email, password });
  const token = res.body?.data?.token ?? res.body?.data?.accessToken;
  if (res.status !== 200 || !token)
    throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return token;
};
