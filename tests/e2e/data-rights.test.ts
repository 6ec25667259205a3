/**
 * The data-rights screens in a real browser (Debian's Chromium through
 * playwright-core) against the built demo app, seeded, on this worker's fresh
 * database: importing consents from CSV, erasing a client from the Content
 * Manager's side panel, the retention rule's preview and run, the proof of the
 * consent log and the audit trail. The tests run in order on one app.
 *
 * The app's plugin clock runs 1,100 days (three years) ahead
 * (CONSENT_CLOCK_ADVANCE_DAYS), so the seeded clients, created a moment ago, are
 * old enough for the retention rule; a client booked "now" on that clock is not.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { demoClients } from '../../playground/src/seed/clients';
import { DEMO_ADMIN } from '../helpers/app';
import {
  findClientByEmail,
  startAdminApp,
  type AdminApp,
  type ClientDoc,
} from '../helpers/admin-app';
import {
  launchBrowser,
  logIn,
  saveFailure,
  screenshot,
  type TestBrowser,
} from '../helpers/browser';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

const CLOCK_ADVANCE_DAYS = 1100;
const DAY_MS = 24 * 60 * 60 * 1000;
const INACTIVE_MONTHS = 24;

let app: AdminApp;
let smtp: TestSmtp;
let browser: TestBrowser;
let admin: Page;
let token: string;

const auth = () => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startAdminApp({
    ...smtp.env,
    CONSENT_WORKER_POLL_MS: '300',
    CONSENT_CLOCK_ADVANCE_DAYS: String(CLOCK_ADVANCE_DAYS),
  });
  browser = await launchBrowser();
  token = await app.token(DEMO_ADMIN.email, DEMO_ADMIN.password);
  admin = await browser.newPage(app.url);
  await logIn(admin, DEMO_ADMIN.email, DEMO_ADMIN.password);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await smtp?.stop();
});

/** it(), and when it fails a screenshot and the HTML of the page in tests/.artifacts/e2e. */
const step = (name: string, fn: () => Promise<void>) =>
  it(name, async () => {
    try {
      await fn();
    } catch (error) {
      if (admin)
        (error as Error).message +=
          `\n(page saved: ${await saveFailure(admin, `data-rights ${name}`)})`;
      throw error;
    }
  });

const until = async (check: () => Promise<boolean>, what: string, timeoutMs = 20_000) => {
  for (
    const end = Date.now() + timeoutMs;
    Date.now() < end;
    await new Promise((r) => setTimeout(r, 250))
  ) {
    if (await check()) return;
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** A client by email, through the Content Manager's API (null when no client has it). */
const clientByEmail = (email: string) => findClientByEmail(app, token, email);

const clientById = async (documentId: string): Promise<ClientDoc> => {
  const res = await app
    .http()
    .get(`/content-manager/collection-types/api::client.client/${documentId}`)
    .set(auth());
  expect(res.status).toBe(200);
  return res.body.data;
};

const eventsOf = async (
  documentId: string
): Promise<{ purposeKey: string; decision: string; channel: string }[]> => {
  const res = await app
    .http()
    .get(`/consent/subjects/${documentId}/events`)
    .query({ pageSize: 100 })
    .set(auth());
  expect(res.status).toBe(200);
  return res.body.data;
};

/** Every client with its last consent decision, from the plugin's clients list (keyset pages). */
const allClientRows = async (): Promise<
  { documentId: string; lastDecisionAt: string | null }[]
> => {
  const rows: { documentId: string; lastDecisionAt: string | null }[] = [];
  let cursor: string | null = null;
  do {
    const query: Record<string, string> = { state: 'all', limit: '100' };
    if (cursor) query.cursor = cursor;
    const res = await app.http().get('/consent/clients').query(query).set(auth());
    expect(res.status).toBe(200);
    rows.push(...res.body.data);
    cursor = res.body.meta.next;
  } while (cursor);
  return rows;
};

const erasedSubjects = async (): Promise<Set<string>> => {
  const res = await app.http().get('/consent/erasures').query({ pageSize: 100 }).set(auth());
  expect(res.status).toBe(200);
  return new Set(res.body.data.map((e: { subject: string }) => e.subject));
};

const CLIENTS = demoClients();
/** Seeded clients without any consent event (42-49), with an email. */
const IMPORTED = [CLIENTS[43], CLIENTS[45]];
/** A client with consent events and a booking: erased from the side panel. */
const ERASED = CLIENTS[0];
/** Booked "now" on the app's clock: active, so not affected by the retention rule. */
const BOOKED = CLIENTS[20];

/** Scroll a section's top to just under the panel's sticky header, for its screenshot. */
const showSection = async (section: ReturnType<Page['getByRole']>) => {
  await section.evaluate((el) => {
    el.scrollIntoView({ block: 'start' });
    // The panel scrolls inside its main element, under a sticky header of about 60 px.
    let scroller = el.parentElement;
    while (scroller && scroller.scrollHeight <= scroller.clientHeight)
      scroller = scroller.parentElement;
    (scroller ?? document.scrollingElement)?.scrollBy(0, -90);
  });
};

const csvOf = (lines: string[][]) =>
  ['client,purpose,decision,date,source', ...lines.map((l) => l.join(','))].join('\n') + '\n';

describe('data rights in the admin panel', () => {
  const decidedAt = new Date().toISOString();

  step(
    'Import: a file with a bad line gives a line report and imports nothing; the corrected file imports',
    async () => {
      for (const c of IMPORTED) expect(c.email).toBeTruthy();
      const bad = csvOf([
        [IMPORTED[0].email!, 'marketing', 'given', decidedAt, 'paper form'],
        [IMPORTED[1].email!, 'marketing', 'maybe', decidedAt, 'paper form'],
      ]);
      await admin.goto('/admin/plugins/consent/data-rights');
      await admin.getByRole('heading', { name: 'Data rights', level: 1 }).waitFor();
      const section = admin.getByRole('region', { name: 'Import consents' });
      await section.locator('#consent-import-file').setInputFiles({
        name: 'legacy-consents.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(bad),
      });
      await section.getByRole('button', { name: 'legacy-consents.csv' }).waitFor();
      await section.getByRole('button', { name: 'Check file' }).click();
      await section.getByText('2 lines checked: 1 valid, 1 with errors').waitFor();
      await section
        .getByText('Nothing was imported. Correct the lines with errors and check the file again.')
        .waitFor();
      // The bad line (line 3: the header is line 1) is in the table, marked as an error with the server's reason.
      const badRow = section
        .getByRole('row')
        .filter({ has: admin.getByRole('gridcell', { name: '3', exact: true }) });
      await badRow.getByText('Error', { exact: true }).waitFor();
      await expect(badRow.getByText(/decision/i).count()).resolves.toBeGreaterThan(0);
      // No import button for a file with errors.
      await expect(
        section.getByRole('button', { name: /^Import \d+ consents?$/ }).count()
      ).resolves.toBe(0);
      await showSection(section);
      await screenshot(admin, 'data-rights-import');

      // Nothing was imported (a dry run), and the API refuses the same file outright.
      const refused = await app
        .http()
        .post('/consent/imports')
        .set(auth())
        .send({ csv: bad, dryRun: false });
      expect(refused.status).toBe(400);
      for (const c of IMPORTED) {
        const client = (await clientByEmail(c.email!))!;
        expect((await eventsOf(client.documentId)).filter((e) => e.channel === 'import')).toEqual(
          []
        );
      }

      const good = csvOf(
        IMPORTED.map((c) => [c.email!, 'marketing', 'given', decidedAt, 'paper form'])
      );
      await section.locator('#consent-import-file').setInputFiles({
        name: 'legacy-consents-fixed.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(good),
      });
      await section.getByRole('button', { name: 'Check file' }).click();
      await section.getByText('2 lines checked: 2 valid, 0 with errors').waitFor();
      await section.getByRole('button', { name: 'Import 2 consents' }).click();
      await section.getByText('2 of 2 lines imported').waitFor();
      for (const c of IMPORTED) {
        const client = (await clientByEmail(c.email!))!;
        expect(await eventsOf(client.documentId)).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              purposeKey: 'marketing',
              decision: 'given',
              channel: 'import',
            }),
          ])
        );
      }
    }
  );

  step(
    'Consent events by source: the filter offers the sources of Settings; the export downloads one source',
    async () => {
      // The import stored its free-text source ("paper form"); one consent withdrawn at the fair.
      const client = await findClientByEmail(app, token, IMPORTED[0].email!);
      expect(client).not.toBeNull();
      const recorded = await app
        .http()
        .post(`/consent/subjects/${client!.documentId}/decisions`)
        .set(auth())
        .send({ decisions: [{ purpose: 'marketing', decision: 'withdrawn' }], source: 'fair' });
      expect(recorded.status).toBe(201);

      await admin.goto('/admin/plugins/consent/data-rights');
      const section = admin.getByRole('region', { name: 'Consent events by source' });
      await section.waitFor();
      // All sources, newest first: the fair event heads the list; a source off the list shows as stored.
      await section
        .getByTestId('consent-event')
        .first()
        .getByText('Fair or event', { exact: true })
        .waitFor();
      await section.getByText('paper form', { exact: true }).first().waitFor();
      // The export needs a source.
      await expect(
        section.getByRole('button', { name: 'Export', exact: true }).isDisabled()
      ).resolves.toBe(true);
      await section.getByRole('combobox', { name: 'Source' }).click();
      await admin.getByRole('option', { name: 'Fair or event', exact: true }).click();
      await until(async () => {
        const shown = await section
          .getByTestId('consent-event')
          .locator('td:nth-child(4)')
          .allTextContents();
        return shown.length === 1 && shown[0] === 'Fair or event';
      }, 'the events of the fair only');
      await section.getByTestId('consent-event').getByText(client!.documentId).waitFor();

      await section.getByRole('button', { name: 'Export', exact: true }).click();
      const [csv] = await Promise.all([
        admin.waitForEvent('download'),
        admin.getByRole('menuitem', { name: 'CSV', exact: true }).click(),
      ]);
      expect(csv.suggestedFilename()).toBe('consent-events-fair.csv');
      const lines = fs
        .readFileSync((await csv.path())!, 'utf8')
        .trim()
        .split(/\r?\n/);
      expect(lines[0]).toMatch(/^subject,id,documentId,/);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(client!.documentId);
      expect(lines[1]).toContain(',fair,');
      await showSection(section);
      await screenshot(admin, 'data-rights-events');
    }
  );

  step(
    'Erase a client from the Content Manager side panel: dry-run counts, reason, typed name; the client is anonymised',
    async () => {
      const client = (await clientByEmail(ERASED.email!))!;
      expect(client.name).toBe(ERASED.name);
      const before = await eventsOf(client.documentId);
      expect(before.length).toBeGreaterThan(0);

      await admin.goto(
        `/admin/content-manager/collection-types/api::client.client/${client.documentId}`
      );
      await admin.getByRole('heading', { level: 2, name: 'Consent', exact: true }).waitFor();
      await admin.getByRole('button', { name: 'Erase client…' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Erase this client?' });
      await dialog.waitFor();
      // The dry run's counts: this client, its events.
      await dialog.getByTestId('erase-count-client').getByText('1', { exact: true }).waitFor();
      await dialog
        .getByTestId('erase-count-events')
        .getByText(String(before.length), { exact: true })
        .waitFor();
      // The seed booked this client once: the booking is kept for bookkeeping without personal data.
      const booking = dialog.getByTestId('erase-count-booking');
      await booking.getByText('booking: kept, personal data removed').waitFor();
      await booking.getByText('1', { exact: true }).waitFor();
      await dialog.getByLabel(/^Reason/).fill('Art. 17 request by email');
      // The button stays disabled until the client's name is typed.
      const submit = dialog.getByRole('button', { name: 'Erase client', exact: true });
      await expect(submit.isDisabled()).resolves.toBe(true);
      await dialog.getByLabel(`Type ${ERASED.name} to confirm`).fill(ERASED.name);
      await screenshot(admin, 'data-rights-erase-dialog');
      await submit.click();
      await admin.getByText('Client erased').first().waitFor();
      // The page reloads (the form held the erased values) and the panel shows the erasure.
      await admin.getByTestId('client-erased').waitFor({ timeout: 30_000 });
      await admin
        .getByTestId('client-erased')
        .getByText('Reason: Art. 17 request by email')
        .waitFor();
      await expect(admin.getByRole('button', { name: 'Erase client…' }).count()).resolves.toBe(0);

      // The API: no client has the email any more; the erased one keeps no contact details.
      expect(await clientByEmail(ERASED.email!)).toBeNull();
      const erased = await clientById(client.documentId);
      expect(erased.email ?? null).toBeNull();
      expect(erased.phone ?? null).toBeNull();
      expect(erased.name).not.toBe(ERASED.name);
      const record = await app
        .http()
        .get(`/consent/subjects/${client.documentId}/erasure`)
        .set(auth());
      expect(record.status).toBe(200);
      expect(record.body.data).toMatchObject({
        subject: client.documentId,
        reason: 'Art. 17 request by email',
      });
    }
  );

  let previewTotal = 0;

  step(
    'Retention: the preview shows exactly the clients without activity for the chosen months',
    async () => {
      // One client books "now" on the app's clock: it must not be among the inactive.
      const appNow = new Date(Date.now() + CLOCK_ADVANCE_DAYS * DAY_MS);
      const booked = await app
        .http()
        .post('/api/bookings')
        .send({
          data: {
            startsAt: appNow.toISOString(),
            service: 'Haircut',
            contact: { name: 'Booked client', email: BOOKED.email },
          },
        });
      expect(booked.status).toBe(201);
      const bookedClient = (await clientByEmail(BOOKED.email!))!;

      // Wait until the worker has expired the seed's open requests (an expiry is a decision
      // "now" on the app's clock, which makes the client active), so the set is stable.
      await until(async () => {
        const res = await app
          .http()
          .get('/consent/requests')
          .query({ status: 'sent', limit: 50 })
          .set(auth());
        const queued = await app
          .http()
          .get('/consent/requests')
          .query({ status: 'queued', limit: 50 })
          .set(auth());
        return res.body.data.length === 0 && queued.body.data.length === 0;
      }, 'the open requests to expire on the advanced clock');

      // Expected, from the plugin's client list and the erasures: every client created before
      // the cutoff (all of the seed), without a decision since, not erased, not the one booked.
      const cutoff = new Date(appNow);
      cutoff.setUTCMonth(cutoff.getUTCMonth() - INACTIVE_MONTHS);
      const erased = await erasedSubjects();
      const expected = (await allClientRows()).filter(
        (row) =>
          !erased.has(row.documentId) &&
          row.documentId !== bookedClient.documentId &&
          (row.lastDecisionAt === null || new Date(row.lastDecisionAt) < cutoff)
      );
      expect(expected.length).toBeGreaterThan(10);

      await admin.goto('/admin/plugins/consent/data-rights');
      const section = admin.getByRole('region', { name: 'Retention' });
      await section.getByLabel('Months without activity').fill(String(INACTIVE_MONTHS));
      await section.getByRole('button', { name: 'Preview' }).click();
      const summary = section.getByText(/^\d+ clients? inactive since /);
      await summary.waitFor();
      previewTotal = Number((await summary.textContent())!.match(/^(\d+)/)![1]);
      expect(previewTotal).toBe(expected.length);
      // The first clients are listed, and the API agrees on the same set.
      await expect(section.getByTestId('retention-client').count()).resolves.toBe(
        Math.min(10, expected.length)
      );
      const api = await app
        .http()
        .post('/consent/retention/preview')
        .set(auth())
        .send({ inactiveMonths: INACTIVE_MONTHS, limit: 500 });
      expect(api.body.data.total).toBe(expected.length);
      expect(api.body.data.clients.map((c: { documentId: string }) => c.documentId).sort()).toEqual(
        expected.map((r) => r.documentId).sort()
      );
      await section
        .getByRole('button', { name: `Erase ${previewTotal} clients` })
        .scrollIntoViewIfNeeded();
      await screenshot(admin, 'data-rights-retention');
    }
  );

  step(
    'Retention: erasing the previewed clients runs in batches with progress until done',
    async () => {
      const section = admin.getByRole('region', { name: 'Retention' });
      await section.getByRole('button', { name: `Erase ${previewTotal} clients` }).click();
      const dialog = admin.getByRole('dialog', { name: `Erase ${previewTotal} inactive clients?` });
      await dialog.waitFor();
      await dialog.getByLabel(`Type ${previewTotal} to confirm`).fill(String(previewTotal));
      await dialog.getByRole('button', { name: `Erase ${previewTotal} clients` }).click();
      await admin.getByText(`Erasure of ${previewTotal} clients started`).first().waitFor();
      const run = section.getByTestId('retention-run').first();
      await run
        .getByText(`${previewTotal} of ${previewTotal} erased, 0 failed`)
        .waitFor({ timeout: 60_000 });
      await run.getByText('Done', { exact: true }).waitFor();
      await expect(run.getByRole('progressbar').getAttribute('aria-valuenow')).resolves.toBe('100');

      // Nobody is inactive any more; the client who booked keeps their email.
      const after = await app
        .http()
        .post('/consent/retention/preview')
        .set(auth())
        .send({ inactiveMonths: INACTIVE_MONTHS });
      expect(after.body.data.total).toBe(0);
      expect(await clientByEmail(BOOKED.email!)).not.toBeNull();
      expect(await clientByEmail(IMPORTED[0].email!)).toBeNull();
    }
  );

  step(
    'Proof: verify reports the consent log intact after the erasures; a checkpoint is sealed',
    async () => {
      await admin.goto('/admin/plugins/consent/data-rights');
      const section = admin.getByRole('region', { name: 'Proof' });
      await section.getByRole('button', { name: 'Seal checkpoint now' }).click();
      await admin
        .getByText(
          /^(Checkpoint sealed|No chain changed since the last checkpoint: nothing to seal)$/
        )
        .first()
        .waitFor();
      // The list reloads after the seal: at least the checkpoint just sealed (or the worker's) is in it.
      await section.getByTestId('checkpoint').first().waitFor();
      await section.getByRole('button', { name: 'Verify' }).click();
      const result = section.getByTestId('proof-result');
      await result.getByText('The consent log is intact').waitFor();
      const api = await app.http().get('/consent/proof/verify').set(auth());
      expect(api.body.data).toMatchObject({ ok: true, firstBroken: null });
      await result.getByText(new RegExp(`^${api.body.data.events} events in `)).waitFor();
      await showSection(section);
      await screenshot(admin, 'data-rights-proof');
    }
  );

  step(
    'Audit trail: the import, the erasures, the retention run and the verification are listed',
    async () => {
      const section = admin.getByRole('region', { name: 'Audit trail' });
      // The verification just made on this page heads the list by itself (newest first): it invalidated the cached trail.
      await section
        .getByTestId('audit-entry')
        .first()
        .getByText('Verification', { exact: true })
        .waitFor();
      await section.getByRole('button', { name: 'Refresh' }).click();
      await section
        .getByTestId('audit-entry')
        .first()
        .getByText('Verification', { exact: true })
        .waitFor();
      // Filtered on each action: entries of that action only, at least one.
      for (const action of [
        'Import',
        'Import check',
        'Erasure',
        'Retention run',
        'Retention preview',
        'Checkpoint',
      ]) {
        await section.getByRole('combobox', { name: 'Action' }).click();
        await admin.getByRole('option', { name: action, exact: true }).click();
        await until(async () => {
          const shown = await section
            .getByTestId('audit-entry')
            .locator('td:nth-child(2)')
            .allTextContents();
          return shown.length > 0 && shown.every((text) => text === action);
        }, `audit entries of ${action}`);
      }
      await section.getByRole('combobox', { name: 'Action' }).click();
      await admin.getByRole('option', { name: 'All actions', exact: true }).click();
      await section
        .getByTestId('audit-entry')
        .first()
        .getByText('Verification', { exact: true })
        .waitFor();
      await showSection(section);
      await screenshot(admin, 'data-rights-audit');
    }
  );

  step('Settings: the controller named in receipts is saved', async () => {
    await admin.goto('/admin/settings/consent');
    const section = admin.getByRole('region', { name: 'Controller (for receipts)' });
    await section.waitFor();
    await section.getByLabel(/^Name/).fill('Salon Demo ApS');
    await section.getByLabel(/^Email/).fill('privacy@salon.example');
    await section.getByLabel(/^Country/).fill('DK');
    await admin.getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByText('Settings saved').first().waitFor();
    const settings = await app.http().get('/consent/settings').set(auth());
    expect(settings.body.data.controller).toMatchObject({
      name: 'Salon Demo ApS',
      email: 'privacy@salon.example',
      country: 'DK',
    });
    await showSection(section);
    await screenshot(admin, 'settings-controller');
  });
});
