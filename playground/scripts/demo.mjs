#!/usr/bin/env node
/**
 * `npm start` at the repository root: make sure the demo has a .env with fresh
 * secrets, start the local mail catcher, then run the demo app with
 * `strapi develop` (SQLite by default).
 */
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const envFile = join(appDir, '.env');
const secret = () => randomBytes(24).toString('base64');

if (!existsSync(envFile)) {
  const secrets = [
    `APP_KEYS=${[secret(), secret(), secret(), secret()].join(',')}`,
    `API_TOKEN_SALT=${secret()}`,
    `ADMIN_JWT_SECRET=${secret()}`,
    `TRANSFER_TOKEN_SALT=${secret()}`,
    `JWT_SECRET=${secret()}`,
    `ENCRYPTION_KEY=${secret()}`,
  ];
  writeFileSync(
    envFile,
    `${readFileSync(join(appDir, '.env.example'), 'utf8')}\n${secrets.join('\n')}\n`
  );
  console.log('[demo] wrote playground/.env with fresh secrets');
}

/** What Strapi will read for a variable: the environment first, then playground/.env. */
const setting = (name) =>
  process.env[name] ??
  readFileSync(envFile, 'utf8')
    .match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1]
    ?.trim()
    .replace(/^["']|["']$/g, '');

/**
 * Mail goes to a local catcher (scripts/mail-catcher.mjs) unless SMTP_HOST
 * points elsewhere. Resolves once it listens, or at once if it cannot start
 * (a catcher of an earlier run may still hold the port: mail then goes there).
 */
const startMailCatcher = () =>
  new Promise((resolve) => {
    const smtpHost = setting('SMTP_HOST');
    if (smtpHost && !['127.0.0.1', 'localhost', '::1'].includes(smtpHost)) return resolve(null);
    const catcher = fork(join(appDir, 'scripts', 'mail-catcher.mjs'), [], {
      env: { ...process.env, SMTP_PORT: setting('SMTP_PORT') ?? '1025' },
      stdio: 'inherit',
    });
    catcher.once('message', () => resolve(catcher));
    catcher.once('exit', () => resolve(null));
  });

const catcher = await startMailCatcher();
const args = process.argv.slice(2);
const child = spawn('npx', ['strapi', ...(args.length ? args : ['develop', '--no-watch-admin'])], {
  cwd: appDir,
  stdio: 'inherit',
  // Phone-only clients get their consent requests as SMS printed in this terminal.
  env: { STRAPI_TELEMETRY_DISABLED: 'true', CONSENT_SMS: 'console', ...process.env },
});
// Ctrl+C reaches Strapi and the catcher directly (same process group); wait for Strapi to finish.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => {
  catcher?.kill('SIGTERM');
  process.exit(code ?? 1);
});
