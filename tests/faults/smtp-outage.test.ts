import knex, { type Knex } from 'knex';
import { DEMO_ADMIN, startApp, type TestApp } from '../helpers/app';
import { auth } from '../helpers/consent';
import { resetDatabase } from '../helpers/database';
import { faultSuite, freePort, insertClients, report, sleep, waitUntil } from '../helpers/faults';
import { startInstance, type Instance } from '../helpers/instance';
import { APP_DIR } from '../helpers/paths';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { startSmtpProxy, type SmtpProxy } from '../helpers/smtp-proxy';

/**
 * The mail server's address refuses connections (nothing listens) for 60 s, and another
 * one accepts connections and drops them (after the greeting, or in the middle of a
 * message) for 60 s, with the demo's pooled nodemailer (5 connections) and its no-delay
 * socket helper (issue 18 point 7: "SMTP down then up" used to mean a 451 refusal).
 * Both outages run at once, each against its own instance and database schema, to keep
 * the suite's time down. FAULT_SMTP_OUTAGE_MS shortens them (for a quick local run only:
 * the figures in docs/operations.md are from 60 s).
 */
const OUTAGE_MS = Number(process.env.FAULT_SMTP_OUTAGE_MS ?? 60_000);
const RECIPIENTS = 200;
const POLL_MS = 200;
const WORKER = {
  CONSENT_WORKER: 'true',
  CONSENT_WORKER_POLL_MS: String(POLL_MS),
  // 1, 2, 4, 8, 16, 32 s...: with the default 30 s the first retry after a 60 s outage could come 60 s late.
  CONSENT_BACKOFF_SECONDS: '1',
  // A 60 s outage at this backoff costs 6 or 7 attempts; the default 6 would give up on them (see docs/operations.md).
  CONSENT_MAX_ATTEMPTS: '20',
  CONSENT_SEND_TIMEOUT_MS: '5000',
  CONSENT_LEASE_SECONDS: '60',
  SMTP_POOL: '5',
  LOG_LEVEL: 'error',
};
// Once the server is back, each row goes at its next attempt (next_attempt_at, known when it
// comes back) and the next poll: the bound is that, plus headroom for sending 200 on a loaded machine.
const HEADROOM_MS = 15_000;

interface Side {
  name: 'refused' | 'dropped';
  db: Knex;
  proxy: SmtpProxy;
  campaign: string;
  emails: string[];
}

const rowsOf = (side: Side) =>
  side
    .db('consent_requests as r')
    .join('clients as c', 'c.document_id', 'r.subject')
    .where('r.campaign', side.campaign)
    .where('c.email', 'like', `bulk.${side.name}.%`)
    .select(
      'c.email as email',
      'r.status as status',
      'r.attempts as attempts',
      'r.reason as reason',
      'r.next_attempt_at as next'
    ) as Promise<
    {
      email: string;
      status: string;
      attempts: number;
      reason: string | null;
      next: Date | string | null;
    }[]
  >;

faultSuite(
  `a mail server refusing connections and one dropping them, each for ${OUTAGE_MS / 1000} s, at the same time`,
  () => {
    let sink: TestSmtp;
    let app: TestApp;
    let other: Instance;
    let otherDb: Knex;
    let refused: SmtpProxy;
    let dropped: SmtpProxy;

    beforeAll(async () => {
      sink = await startSmtp();
      refused = await startSmtpProxy(sink.port);
      dropped = await startSmtpProxy(sink.port);
      app = await startApp({ env: { ...refused.env, ...WORKER } });
      const envB = await resetDatabase(APP_DIR, '_b');
      other = await startInstance(await freePort(), { ...envB, ...dropped.env, ...WORKER });
      otherDb = knex({
        client: 'pg',
        connection: {
          host: envB.DATABASE_HOST,
          port: Number(envB.DATABASE_PORT),
          user: envB.DATABASE_USERNAME,
          password: envB.DATABASE_PASSWORD,
          database: envB.DATABASE_NAME,
        },
        searchPath: [envB.DATABASE_SCHEMA],
        pool: { min: 0, max: 2 },
      });
    }, 180_000);

    afterAll(async () => {
      await other?.stop();
      await otherDb?.destroy();
      await app?.stop();
      await refused?.stop();
      await dropped?.stop();
      await sink?.stop();
    });

    it(
      '(c) nothing is lost, nothing is sent twice, and sending resumes at the next attempt after the server is back',
      async () => {
        await refused.mode('refuse');
        await dropped.mode('drop');

        const login = await fetch(`http://127.0.0.1:${other.port}/admin/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(DEMO_ADMIN),
        }).then((r) => r.json() as Promise<{ data: { token: string } }>);
        const campaignOn = async (
          post: (
            body: object
          ) => Promise<{ status: number; body: { data: { documentId: string } } }>
        ) => {
          const res = await post({ name: 'During the outage', audience: { consent: 'invalid' } });
          expect(res.status).toBe(201);
          return res.body.data.documentId;
        };
        const sides: Side[] = [
          {
            name: 'refused',
            db: app.strapi.db.connection,
            proxy: refused,
            emails: await insertClients(app.strapi.db.connection, RECIPIENTS, 'refused'),
            campaign: await campaignOn(async (body) =>
              app
                .http()
                .post('/consent/campaigns')
                .set(auth(await app.adminToken()))
                .send(body)
            ),
          },
          {
            name: 'dropped',
            db: otherDb,
            proxy: dropped,
            emails: await insertClients(otherDb, RECIPIENTS, 'dropped'),
            campaign: await campaignOn(async (body) => {
              const res = await fetch(`http://127.0.0.1:${other.port}/consent/campaigns`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', ...auth(login.data.token) },
                body: JSON.stringify(body),
              });
              return {
                status: res.status,
                body: (await res.json()) as { data: { documentId: string } },
              };
            }),
          },
        ];

        await sleep(OUTAGE_MS);

        // The outage as the queue saw it: tried again and again, still queued, nothing given up.
        const during: Record<string, unknown> = {};
        for (const side of sides) {
          const rows = await rowsOf(side);
          expect(rows).toHaveLength(RECIPIENTS);
          expect(rows.filter((r) => r.status !== 'queued')).toEqual([]);
          expect(Math.min(...rows.map((r) => r.attempts))).toBeGreaterThanOrEqual(3);
          during[side.name] = {
            attempts: [
              Math.min(...rows.map((r) => r.attempts)),
              Math.max(...rows.map((r) => r.attempts)),
            ],
            reasons: [...new Set(rows.map((r) => r.reason))].slice(0, 3),
          };
        }
        expect(sink.messagesTo('bulk.refused.')).toHaveLength(0);
        expect(sink.messagesTo('bulk.dropped.')).toHaveLength(0);
        // Both kinds of cut happened, many times (they alternate by connection).
        expect(dropped.stats.droppedAfterGreeting).toBeGreaterThan(5);
        expect(dropped.stats.droppedInData).toBeGreaterThan(5);

        await refused.mode('pass');
        await dropped.mode('pass');
        const back = Date.now();
        // How long after the server came back the rows' last next attempt was scheduled.
        const scheduled = await Promise.all(
          sides.map(async (side) =>
            Math.max(
              Math.max(...(await rowsOf(side)).map((r) => new Date(r.next ?? back).getTime())) -
                back,
              0
            )
          )
        );
        const bounds = scheduled.map((ms) => ms + POLL_MS + HEADROOM_MS);
        const recovery = await Promise.all(
          sides.map((side, i) =>
            waitUntil(
              async () => (await rowsOf(side)).every((r) => r.status !== 'queued'),
              bounds[i] + 60_000,
              `${side.name}: all sent`
            )
          )
        );
        await sleep(500);

        sides.forEach((side, i) => {
          const mails = new Map<string, number>();
          for (const m of sink.messagesTo(`bulk.${side.name}.`))
            for (const to of m.to) mails.set(to, (mails.get(to) ?? 0) + 1);
          const figures = {
            outageSeconds: OUTAGE_MS / 1000,
            recipients: RECIPIENTS,
            ...(during[side.name] as object),
            ...(side.name === 'dropped'
              ? {
                  connectionsCut: dropped.stats.droppedAfterGreeting + dropped.stats.droppedInData,
                  ...dropped.stats,
                }
              : {}),
            lost: side.emails.filter((e) => !mails.get(e)).length,
            duplicates: side.emails.filter((e) => (mails.get(e) ?? 0) > 1).length,
            recoveryMs: recovery[i],
            lastScheduledAttemptMs: scheduled[i],
            boundMs: bounds[i],
          };
          report(`smtp-${side.name}`, figures);
          expect(figures.lost).toBe(0);
          expect(figures.duplicates).toBe(0);
          expect(recovery[i]).toBeLessThan(bounds[i]);
        });
        for (const side of sides)
          expect((await rowsOf(side)).filter((r) => r.status !== 'sent')).toEqual([]);
      },
      OUTAGE_MS + 240_000
    );
  }
);
