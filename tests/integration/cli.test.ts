import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startApp, type TestApp } from '../helpers/app';
import { createClient, recordDecisions } from '../helpers/consent';
import { APP_DIR, ROOT } from '../helpers/paths';

/**
 * The strapi-consent command as an operator runs it: a child process that loads
 * the demo app on the same database as the app under test (the environment of
 * this worker's boot: its database, its keys; the proof secret is in the
 * database's store, so both see the same one).
 */
let app: TestApp;
let subject: string;

beforeAll(async () => {
  app = await startApp();
  subject = await createClient(app.strapi);
  expect(
    (
      await recordDecisions(app, subject, {
        decisions: [
          { purpose: 'storage', decision: 'given' },
          { purpose: 'marketing', decision: 'given' },
        ],
      })
    ).status
  ).toBe(201);
});
// A command still running when its test gave up (a timeout on a loaded machine) would go on
// writing this worker's database while the next test file recreates it: end them first.
const running = new Set<ChildProcess>();
afterAll(async () => {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((done) => {
          child.once('close', () => done());
          child.kill('SIGKILL');
        })
    )
  );
  await app?.stop();
});

const run = (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'strapi-consent.js'), ...args, '--app', APP_DIR],
      {
        env: { ...process.env },
        cwd: ROOT,
      }
    );
    running.add(child);
    child.once('close', () => running.delete(child));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

/** The command's JSON: the last top-level object it printed (Strapi may log before it). */
const json = (stdout: string) =>
  JSON.parse(stdout.slice(stdout.indexOf('\n{') + 1 || stdout.indexOf('{')));

describe('strapi-consent verify / checkpoint', () => {
  it('verify exits 0 on an intact database and reports what it checked', async () => {
    const { code, stdout, stderr } = await run('verify', '--json');
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const report = json(stdout);
    const events = Number(
      (
        (await app.strapi.db.connection('consent_events').count({ n: '*' }).first()) as {
          n: number | string;
        }
      ).n
    );
    expect(report).toMatchObject({ ok: true, events, firstBroken: null });
    const audit = await app.strapi.db
      .connection('consent_audit')
      .where({ action: 'proof.verify', actor_type: 'cli' })
      .count({ n: '*' })
      .first();
    expect(Number((audit as { n: number | string }).n)).toBe(1);
  });

  it('checkpoint seals the chain heads and prints the checkpoint; a second one has nothing to seal', async () => {
    const first = await run('checkpoint', '--json');
    expect(first.code).toBe(0);
    expect(json(first.stdout)).toMatchObject({
      seq: 1,
      leafCount: expect.any(Number),
      root: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const second = await run('checkpoint');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to seal');
  });

  it('verify exits 1 after one event is edited in SQL, naming it', async () => {
    const event = (await app.strapi.db
      .connection('consent_events')
      .where({ subject, purpose_key: 'marketing' })
      .first()) as { id: number };
    await app.strapi.db
      .connection('consent_events')
      .where({ id: event.id })
      .update({ decision: 'refused' });
    try {
      const { code, stdout } = await run('verify', '--json');
      expect(code).toBe(1);
      expect(json(stdout).firstBroken).toMatchObject({
        kind: 'hash',
        subject,
        eventId: Number(event.id),
      });
      const text = await run('verify');
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('BROKEN');
    } finally {
      await app.strapi.db
        .connection('consent_events')
        .where({ id: event.id })
        .update({ decision: 'given' });
    }
    expect((await run('verify')).code).toBe(0);
  });

  it('exits 2 with the usage on an unknown command', async () => {
    const { code, stderr } = await run('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toContain('usage: strapi-consent');
  });
});
