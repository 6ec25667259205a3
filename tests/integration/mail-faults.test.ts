import { startApp, type TestApp } from '../helpers/app';
import { freePort, queueRequests, rowsOf, startSilent, waitUntil } from '../helpers/mail-faults';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * Mail server faults with the demo's own email configuration: nodemailer pooled
 * (maxConnections 5) with the no-delay getSocket (playground/src/smtp-socket.ts),
 * the worker's own loop, a real SMTP server in this process. Issue 18: a refused
 * connection used to leak a pool slot, and after 5 of them every send hung for good.
 */

const SEND_TIMEOUT_MS = 2000;

describe('a mail server that refuses, then one that never answers (the worker keeps sending)', () => {
  let app: TestApp;
  let port: number;
  let smtp: TestSmtp | null = null;
  const warnings: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    app = await startApp({
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(port),
        SMTP_POOL: '5',
        CONSENT_WORKER: 'true',
        CONSENT_WORKER_POLL_MS: '200',
        CONSENT_BACKOFF_SECONDS: '1',
        CONSENT_LEASE_SECONDS: '60',
        CONSENT_SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS),
        CONSENT_STOP_TIMEOUT_MS: '3000',
      },
    });
    const warn = app.strapi.log.warn.bind(app.strapi.log);
    app.strapi.log.warn = ((message: string) => {
      warnings.push(message);
      return warn(message);
    }) as typeof app.strapi.log.warn;
  });

  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  it('refused connections: more refusals than the pool has slots, then the server comes up on the port: all delivered exactly once', async () => {
    const requests = await queueRequests(app, 20, 'refused');
    // Two rounds of 20 refused sends (8 times the pool's 5 slots) before the server is there.
    await waitUntil(
      async () =>
        (await rowsOf(app, requests)).every((r) => r.attempts >= 2 && r.lease_owner === null),
      15_000,
      'two refused attempts'
    );
    const before = await rowsOf(app, requests);
    expect(before.every((r) => r.status === 'queued')).toBe(true);
    expect(before.some((r) => /ECONNREFUSED/.test(r.reason ?? ''))).toBe(true);

    smtp = await startSmtp({ port });
    const ms = await waitUntil(
      async () => (await rowsOf(app, requests)).every((r) => r.status === 'sent'),
      20_000,
      'all sent'
    );
    // Measured here (SQLite, 2 cores): 1-4 s, the backoff of the rows' last attempt (1, 2, 4 s) plus a poll.
    process.stdout.write(
      `[mail-faults] refused: delivered ${requests.length} within ${ms} ms after the server came up\n`
    );
    expect(ms).toBeLessThan(10_000);
    for (const { email } of requests) expect(smtp.messagesTo(email)).toHaveLength(1);
  });

  it('a server that accepts and never answers: each send times out, is retried, the provider is made anew; delivered once the server answers', async () => {
    await smtp!.stop();
    smtp = null;
    const silent = await startSilent(port);
    try {
      const requests = await queueRequests(app, 5, 'silent');
      // A send times out after SEND_TIMEOUT_MS; the row is then queued again with the reason.
      await waitUntil(
        async () =>
          (await rowsOf(app, requests)).every(
            (r) =>
              r.status === 'queued' && r.attempts >= 2 && /no answer within/.test(r.reason ?? '')
          ),
        20_000,
        'two timed-out attempts'
      );
      expect(silent.connections()).toBeGreaterThan(0);
      expect(warnings.some((w) => /email provider "nodemailer" was made anew/.test(w))).toBe(true);
      await silent.stop();
      smtp = await startSmtp({ port });
      const ms = await waitUntil(
        async () => (await rowsOf(app, requests)).every((r) => r.status === 'sent'),
        20_000,
        'all sent'
      );
      process.stdout.write(
        `[mail-faults] silent: delivered ${requests.length} within ${ms} ms after the server answered\n`
      );
      expect(ms).toBeLessThan(15_000);
      for (const { email } of requests) expect(smtp.messagesTo(email)).toHaveLength(1);
    } finally {
      await silent.stop().catch(() => undefined);
    }
  });
});
