#!/usr/bin/env node
/**
 * `npm start` at the repository root: make sure the demo has a .env with fresh
 * secrets, then run the demo app with `strapi develop` (SQLite by default).
 */
import { spawn } from 'node:child_process';
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
  writeFileSync(envFile, `${readFileSync(join(appDir, '.env.example'), 'utf8')}\n${secrets.join('\n')}\n`);
  console.log('[demo] wrote playground/.env with fresh secrets');
}

const args = process.argv.slice(2);
const child = spawn('npx', ['strapi', ...(args.length ? args : ['develop', '--no-watch-admin'])], {
  cwd: appDir,
  stdio: 'inherit',
  env: { STRAPI_TELEMETRY_DISABLED: 'true', ...process.env },
});
child.on('exit', (code) => process.exit(code ?? 1));
