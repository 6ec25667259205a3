#!/usr/bin/env node
/**
 * `npm run demo:time -- <days>`: move the running demo's clock forward by whole days
 * and run the jobs that fell due (expiry, the reminder before it, sending, retention),
 * so the demo shows what a week or a year does. `status` prints the clock, `reset`
 * goes back to the real time. It calls the demo's admin API as the demo admin
 * (POST /consent/demo/time); the demo allows it only outside production
 * (config `demo.timeTravel`, docs/requests.md#time-in-the-demo).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appDir, setting } from './settings.mjs';

const USAGE = 'usage: npm run demo:time -- <days> | status | reset';
const arg = process.argv[2] ?? 'status';
const days = /^\d+$/.test(arg) ? Number(arg) : null;
if (days === null && arg !== 'status' && arg !== 'reset') {
  console.error(USAGE);
  process.exit(2);
}

const base = setting('DEMO_URL') ?? `http://localhost:${setting('PORT') ?? 1337}`;
/** One call; `null` when the session is not (or no longer) valid. */
const call = async (path, init = {}) => {
  let res;
  try {
    res = await fetch(`${base}${path}`, {
      ...init,
      headers: { 'Content-Type': 'application/json', ...init.headers },
    });
  } catch {
    console.error(`[demo:time] the demo does not answer at ${base}: start it with npm start`);
    process.exit(1);
  }
  if (res.status === 401 && path !== '/admin/login') return null;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    console.error(`[demo:time] ${res.status}: ${body?.error?.message ?? res.statusText}`);
    process.exit(1);
  }
  return body.data;
};

// The admin session is kept between runs (Strapi limits logins to a few per minutes).
const tokenFile = setting('DEMO_TIME_TOKEN_FILE') ?? join(appDir, '.tmp', 'demo-time-token');
const login = async () => {
  const { token } = await call('/admin/login', {
    method: 'POST',
    body: JSON.stringify({
      email: setting('DEMO_ADMIN_EMAIL') ?? 'admin@example.com',
      password: setting('DEMO_ADMIN_PASSWORD') ?? 'Consent-demo-2026',
    }),
  });
  mkdirSync(dirname(tokenFile), { recursive: true });
  writeFileSync(tokenFile, token, { mode: 0o600 });
  return token;
};
const clock = (token) =>
  call('/consent/demo/time', {
    method: days !== null ? 'POST' : arg === 'reset' ? 'DELETE' : 'GET',
    headers: { Authorization: `Bearer ${token}` },
    ...(days !== null ? { body: JSON.stringify({ days }) } : {}),
  });

const saved = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : null;
const result = (saved && (await clock(saved))) || (await clock(await login()));
if (!result) {
  console.error('[demo:time] the demo admin could not log in');
  process.exit(1);
}

console.log(
  `[demo:time] the demo's clock: ${result.now.slice(0, 16).replace('T', ' ')} UTC` +
    (result.offsetDays ? ` (${result.offsetDays} days ahead)` : ' (the real time)')
);
if (days !== null) {
  console.log(
    `[demo:time] jobs run as of then: ${result.expired} request(s) expired, ${result.reminded} reminder(s) and ` +
      `${result.sent} message(s) sent, ${result.retained} client(s) erased by a running retention job`
  );
}
