/**
 * Time in the demo (issue 21.8): `npm run demo:time -- <days>` moves the running demo's
 * clock and runs the jobs that fell due. The real command script talks to the real demo
 * app over a real port, as the demo admin, against a real SMTP server.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DEMO_ADMIN, startApp, type TestApp } from '../helpers/app';
import { auth, clientEmail, createClient } from '../helpers/consent';
import { APP_DIR, ROOT } from '../helpers/paths';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

let app: TestApp;
let smtp: TestSmtp;
let url: string;
const tokenFile = path.join(
  ROOT,
  'tests',
  '.artifacts',
  `demo-time-token-${process.env.JEST_WORKER_ID ?? 0}`
);

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startApp({ env: { ...smtp.env, CONSENT_WORKER: 'false' } });
  await new Promise<void>((resolve) =>
    app.strapi.server.httpServer.listen(0, '127.0.0.1', resolve)
  );
  url = `http://127.0.0.1:${(app.strapi.server.httpServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  fs.rmSync(tokenFile, { force: true });
  await app?.stop();
  await smtp?.stop();
});

/** Runs `npm run demo:time -- <arg>` (its script) against this app. */
const demoTime = (arg: string) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(APP_DIR, 'scripts', 'demo-time.mjs'), arg], {
      env: {
        ...process.env,
        DEMO_URL: url,
        DEMO_ADMIN_EMAIL: DEMO_ADMIN.email,
        DEMO_ADMIN_PASSWORD: DEMO_ADMIN.password,
        DEMO_TIME_TOKEN_FILE: tokenFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });

const worker = () => app.strapi.plugin('consent').service('worker');
const requestStatus = async (documentId: string) =>
  (
    await app.strapi.db
      .connection('consent_requests')
      .where('document_id', documentId)
      .first('status')
  ).status;
const retentionTotal = async (inactiveMonths: number) => {
  const res = await app
    .http()
    .post('/consent/retention/preview')
    .set(auth(await app.adminToken()))
    .send({ inactiveMonths, limit: 1 });
  expect(res.status).toBe(200);
  return res.body.data.total as number;
};

describe('npm run demo:time', () => {
  it('moves the clock by days and runs what fell due: the reminder, then the expiry, then the retention rule; reset goes back', async () => {
    const client = await createClient(app.strapi);
    const asked = await app
      .http()
      .post(`/consent/subjects/${client}/requests`)
      .set(auth(await app.adminToken()))
      .send({ purposes: ['storage'] });
    expect(asked.status).toBe(201);
    await worker().drain();
    const email = await clientEmail(app.strapi, client);
    await smtp.waitFor((m) => m.to.includes(email));
    const inactiveBefore = await retentionTotal(12);

    // Requests last 7 days; the reminder goes 2 days before.
    const week = await demoTime('6');
    expect(week.code).toBe(0);
    expect(week.output).toContain('(6 days ahead)');
    expect(week.output).toMatch(/\d+ request\(s\) expired, [1-9]\d* reminder\(s\)/);
    await smtp.waitFor((m) => m.to.includes(email) && /remind/i.test(m.subject));
    expect(await requestStatus(asked.body.data.documentId)).toBe('sent');

    const later = await demoTime('2');
    expect(later.output).toContain('(8 days ahead)');
    expect(later.output).toMatch(/[1-9]\d* request\(s\) expired/);
    expect(await requestStatus(asked.body.data.documentId)).toBe('expired');

    // A year and more on, the clients of today count as inactive for a 12-month rule.
    expect((await demoTime('400')).code).toBe(0);
    expect(await retentionTotal(12)).toBeGreaterThan(inactiveBefore);

    const status = await demoTime('status');
    expect(status.output).toContain('(408 days ahead)');
    const reset = await demoTime('reset');
    expect(reset.output).toContain('(the real time)');
    expect(await retentionTotal(12)).toBe(inactiveBefore);
  });

  it('bad input and no admin: refused, the clock unchanged', async () => {
    const token = await app.adminToken();
    for (const days of [0, -1, 1.5, '3', 801]) {
      const res = await app.http().post('/consent/demo/time').set(auth(token)).send({ days });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ data: null, error: { status: 400 } });
    }
    expect((await app.http().post('/consent/demo/time').send({ days: 1 })).status).toBe(401);
    const clock = await app.http().get('/consent/demo/time').set(auth(token));
    expect(clock.body.data.offsetDays).toBe(0);
    expect((await demoTime('yesterday')).code).toBe(2);
  });

  it('off (the default outside the demo): 404, and the command says why', async () => {
    const config = app.strapi.plugin('consent').service('config').get();
    config.demo.timeTravel = false;
    try {
      const res = await app
        .http()
        .post('/consent/demo/time')
        .set(auth(await app.adminToken()))
        .send({ days: 1 });
      expect(res.status).toBe(404);
      const run = await demoTime('1');
      expect(run.code).toBe(1);
      expect(run.output).toContain('Time travel is off');
    } finally {
      config.demo.timeTravel = true;
    }
  });
});
