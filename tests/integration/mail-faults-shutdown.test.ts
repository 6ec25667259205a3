import { getService } from '../../server/src/utils/get-service';
import { startApp, type TestApp } from '../helpers/app';
import { freePort, queueRequests, rowsOf, startSilent, waitUntil } from '../helpers/mail-faults';

/**
 * Shutdown while every send hangs (issue 18: SIGTERM did not stop such an instance).
 * Its own file: one Strapi boot per jest file.
 */
describe('shutdown while sends hang', () => {
  let app: TestApp | null = null;
  let silent: Awaited<ReturnType<typeof startSilent>>;
  const STOP_TIMEOUT_MS = 1000;

  afterAll(async () => {
    await app?.stop().catch(() => undefined);
    await silent?.stop();
  });

  it('the worker stops within worker.stopTimeoutMs, releases the unsent rows and says so; strapi.destroy() returns', async () => {
    const port = await freePort();
    silent = await startSilent(port);
    app = await startApp({
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(port),
        CONSENT_WORKER: 'true',
        CONSENT_WORKER_POLL_MS: '200',
        CONSENT_LEASE_SECONDS: '300',
        // Longer than the shutdown waits: the sends are still hanging when it gives up.
        CONSENT_SEND_TIMEOUT_MS: '60000',
        CONSENT_STOP_TIMEOUT_MS: String(STOP_TIMEOUT_MS),
      },
    });
    const warnings: string[] = [];
    const warn = app.strapi.log.warn.bind(app.strapi.log);
    app.strapi.log.warn = ((message: string) => {
      warnings.push(message);
      return warn(message);
    }) as typeof app.strapi.log.warn;

    const requests = await queueRequests(app, 5, 'shutdown');
    // The first request's pass claims it at once and hangs on its send; the others wait for that pass.
    await waitUntil(
      async () =>
        (await rowsOf(app!, requests)).some((r) => r.lease_owner !== null) &&
        silent.connections() > 0,
      10_000,
      'claimed and sending'
    );
    const held = (await rowsOf(app, requests)).filter((r) => r.lease_owner !== null).length;

    let started = Date.now();
    await getService(app.strapi, 'worker').stop();
    const stopMs = Date.now() - started;
    process.stdout.write(`[mail-faults] worker.stop() with hanging sends: ${stopMs} ms\n`);
    expect(stopMs).toBeGreaterThanOrEqual(STOP_TIMEOUT_MS - 50);
    expect(stopMs).toBeLessThan(STOP_TIMEOUT_MS + 2000);
    // Released at once, not after the 300 s lease: another instance takes them now.
    const rows = await rowsOf(app, requests);
    expect(rows.every((r) => r.lease_owner === null && r.status === 'queued')).toBe(true);
    expect(warnings.some((w) => w.includes(`released ${held} unsent request`))).toBe(true);

    started = Date.now();
    await app.stop();
    app = null;
    const destroyMs = Date.now() - started;
    process.stdout.write(`[mail-faults] strapi.destroy() after that: ${destroyMs} ms\n`);
    expect(destroyMs).toBeLessThan(5000);
  });
});
