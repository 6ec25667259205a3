#!/usr/bin/env node
/**
 * `npm start` at the repository root: make sure the demo has a .env with fresh
 * secrets, start the local mail catcher, build the demo app (its TypeScript and
 * admin panel) only when what it is made of changed, then run it with
 * `strapi start` (SQLite by default). `npm start -- develop` runs `strapi develop`
 * instead (the Content-Type Builder can edit types only there; every start then
 * builds the admin and generates types again).
 */
import { fork, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { appDir, envFile, setting } from './settings.mjs';

const root = join(appDir, '..');
const secret = () => randomBytes(24).toString('base64');
const fail = (message) => {
  console.error(`[demo] ${message}`);
  process.exit(1);
};

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
} else {
  // Earlier .env files fixed the links to port 1337 whatever PORT said: let them follow PORT.
  const old = readFileSync(envFile, 'utf8');
  const fixed = old.replace(
    /^PUBLIC_URL=http:\/\/localhost:1337\s*$/m,
    '# PUBLIC_URL=https://consent.example.com (http://localhost:$PORT unless set)'
  );
  if (fixed !== old) {
    writeFileSync(envFile, fixed);
    console.log('[demo] playground/.env: links now follow PORT (PUBLIC_URL left unset)');
  }
}

/**
 * Mail goes to a local catcher (scripts/mail-catcher.mjs) unless SMTP_HOST points
 * elsewhere. Resolves once it listens. If it cannot listen (the port is taken) the
 * demo stops: mailing whatever holds the port would hand clients' mail to a stranger.
 */
const startMailCatcher = () =>
  new Promise((resolve) => {
    const smtpHost = setting('SMTP_HOST');
    if (smtpHost && !['127.0.0.1', 'localhost', '::1'].includes(smtpHost)) return resolve(null);
    const port = setting('SMTP_PORT') ?? '1025';
    const catcher = fork(join(appDir, 'scripts', 'mail-catcher.mjs'), [], {
      env: { ...process.env, SMTP_PORT: port },
      stdio: 'inherit',
    });
    const refused = () =>
      fail(
        `the mail catcher could not listen on port ${port}. Stop what holds it (an earlier demo?) ` +
          'or set SMTP_PORT to a free port in playground/.env.'
      );
    catcher.once('exit', refused);
    catcher.once('message', () => {
      catcher.off('exit', refused);
      resolve(catcher);
    });
  });

const filesUnder = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = join(dir, entry.name);
        return entry.isDirectory() ? filesUnder(full) : [full];
      })
    : [];

/**
 * What `strapi build` makes the demo from: the plugin's built admin code, the app's
 * sources and config, the locked dependencies. A content hash, because `npm start`
 * rebuilds the plugin each time and file dates would always look new.
 */
const buildInputs = () => {
  const hash = createHash('sha256');
  const files = [
    ...filesUnder(join(root, 'dist', 'admin')),
    ...filesUnder(join(appDir, 'src')),
    ...filesUnder(join(appDir, 'config')),
    join(appDir, 'tsconfig.json'),
    join(root, 'package-lock.json'),
  ].sort();
  for (const file of files) {
    hash.update(relative(root, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
};

const strapi = (args) =>
  spawn('npx', ['strapi', ...args], {
    cwd: appDir,
    stdio: 'inherit',
    // Phone-only clients get their consent requests as SMS printed in this terminal.
    env: { STRAPI_TELEMETRY_DISABLED: 'true', CONSENT_SMS: 'console', ...process.env },
  });

const exited = (child) => new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));

const catcher = await startMailCatcher();
const args = process.argv.slice(2);
let command = args;
if (args.length === 0) {
  const stamp = join(appDir, 'dist', 'build', '.consent-demo-stamp');
  const inputs = buildInputs();
  const built =
    existsSync(join(appDir, 'dist', 'src', 'index.js')) &&
    existsSync(join(appDir, 'dist', 'build', 'index.html')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === inputs;
  if (built) {
    console.log('[demo] nothing changed since the last build: starting at once');
  } else {
    console.log('[demo] building the demo app and its admin panel (about a minute, once)');
    const code = await exited(strapi(['build']));
    if (code !== 0) {
      catcher?.kill('SIGTERM');
      process.exit(code);
    }
    writeFileSync(stamp, inputs);
  }
  command = ['start'];
}

const child = strapi(command);
// Ctrl+C reaches Strapi and the catcher directly (same process group); wait for Strapi to finish.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => {
  catcher?.kill('SIGTERM');
  process.exit(code ?? 1);
});
