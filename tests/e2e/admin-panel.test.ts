/**
 * The admin panel in a real browser (Debian's Chromium through playwright-core)
 * against the built demo app: one app for the whole file, on this worker's fresh
 * database, seeded (50 clients, 4 purposes, texts, consents in every state), with
 * mail going to a real SMTP server in this process. The tests run in order: the
 * first one registers the admin the others use.
 */
import type { Page } from 'playwright-core';
import { DEMO_ADMIN } from '../helpers/app';
import {
  CLIENT_EDITOR_PERMISSIONS,
  createAdminWithRole,
  startAdminApp,
  type AdminApp,
} from '../helpers/admin-app';
import {
  dismissBanner,
  launchBrowser,
  logIn,
  saveFailure,
  screenshot,
  type TestBrowser,
} from '../helpers/browser';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

let app: AdminApp;
let smtp: TestSmtp;
let browser: TestBrowser;
let admin: Page;
let adminToken: string;

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  smtp = await startSmtp();
  // DEMO_ADMIN=off: the seed creates no admin, so the panel opens on the registration page.
  app = await startAdminApp({ ...smtp.env, DEMO_ADMIN: 'off', CONSENT_WORKER_POLL_MS: '300' });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await smtp?.stop();
});

/** A client of the demo seed, by email, as the Content Manager API returns it. */
const findClient = async (
  email: string
): Promise<{ documentId: string; name: string; email: string }> => {
  const res = await app
    .http()
    .get('/content-manager/collection-types/api::client.client')
    .query({ 'filters[email][$eq]': email, pageSize: 1 })
    .set(auth(adminToken));
  expect(res.status).toBe(200);
  expect(res.body.results).toHaveLength(1);
  return res.body.results[0];
};

/** it(), and when it fails a screenshot and the HTML of `page` in tests/.artifacts/e2e. */
const step = (name: string, page: () => Page | undefined, fn: () => Promise<void>) =>
  it(name, async () => {
    try {
      await fn();
    } catch (error) {
      const shown = page();
      if (shown) (error as Error).message += `\n(page saved: ${await saveFailure(shown, name)})`;
      throw error;
    }
  });

/** Wait until `check` holds (the consent page's answer is recorded before its redirect, but give it time). */
const until = async (check: () => Promise<boolean>, what: string, timeoutMs = 10_000) => {
  for (
    const end = Date.now() + timeoutMs;
    Date.now() < end;
    await new Promise((r) => setTimeout(r, 200))
  ) {
    if (await check()) return;
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** The consent side panel of the Content Manager's edit view (its panels have an h2 title). */
const consentPanel = (page: Page) =>
  page.getByRole('heading', { level: 2, name: 'Consent', exact: true });

const editView = (documentId: string) =>
  `/admin/content-manager/collection-types/api::client.client/${documentId}`;

/**
 * How many clients have ("valid") or lack ("invalid") valid consent, by the
 * plugin's admin API (keyset pages), independently of the screens under test.
 */
const countByApi = async (
  consent: 'valid' | 'invalid'
): Promise<{ count: number; ids: string[] }> => {
  const ids: string[] = [];
  let after = 0;
  for (;;) {
    const res = await app
      .http()
      .get('/consent/subjects')
      .query({ consent, after, limit: 200 })
      .set(auth(adminToken));
    expect(res.status).toBe(200);
    ids.push(
      ...res.body.data.map(
        (row: { subject?: string; documentId?: string }) => row.subject ?? row.documentId
      )
    );
    if (res.body.meta.next === null) return { count: ids.length, ids };
    after = res.body.meta.next;
  }
};

/** How many clients the demo has, by the Content Manager's API. */
const clientTotal = async (): Promise<number> => {
  const res = await app
    .http()
    .get('/content-manager/collection-types/api::client.client')
    .query({ pageSize: 1 })
    .set(auth(adminToken));
  expect(res.status).toBe(200);
  return res.body.pagination.total;
};

/** The Clients screen with a consent filter chosen from its select, and the count it shows. */
const showClients = async (
  page: Page,
  filter: 'All clients' | 'Valid consent' | 'No valid consent'
) => {
  await page.goto('/admin/plugins/consent/clients');
  await page.getByRole('heading', { name: 'Clients', exact: true }).waitFor();
  await page.getByRole('combobox', { name: 'Consent filter' }).click();
  await page.getByRole('option', { name: filter, exact: true }).click();
};

const expectShown = async (page: Page, count: number) => {
  await page.getByText(new RegExp(`^${count} clients? shown$`)).waitFor();
  // One "Open <name>" link per row: the rows are there, not only the sentence.
  await expect(page.getByRole('link', { name: /^Open / }).count()).resolves.toBe(count);
};

describe('first admin', () => {
  step(
    'registers the first admin on the registration page and lands in the panel',
    () => admin,
    async () => {
      admin = await browser.newPage(app.url);
      await admin.goto('/admin');
      // The panel finds no admin and redirects client-side.
      await admin.waitForURL('**/admin/auth/register-admin');
      await admin.getByLabel(/^First name/).fill('Demo');
      await admin.getByLabel(/^Last name/).fill('Admin');
      await admin.getByLabel(/^Email/).fill(DEMO_ADMIN.email);
      await admin.getByLabel(/^Password/).fill(DEMO_ADMIN.password);
      await admin.getByLabel(/^Confirm password/i).fill(DEMO_ADMIN.password);
      await admin.getByRole('button', { name: /let's start/i }).click();
      await admin.waitForURL((url) => !url.pathname.startsWith('/admin/auth'), { timeout: 30_000 });
      await admin.getByRole('link', { name: 'Home', exact: true }).waitFor();
      await dismissBanner(admin);

      // The account exists and is a super admin: it logs in over the API and may use the plugin.
      adminToken = await app.token(DEMO_ADMIN.email, DEMO_ADMIN.password);
      const me = await app.http().get('/admin/users/me').set(auth(adminToken));
      expect(me.body.data).toMatchObject({ email: DEMO_ADMIN.email, firstname: 'Demo' });
      expect(me.body.data.roles.map((r: { code: string }) => r.code)).toContain(
        'strapi-super-admin'
      );
      const purposes = await app.http().get('/consent/purposes').set(auth(adminToken));
      expect(purposes.status).toBe(200);
      // Its main menu has the plugin's entry (the restricted role below must not).
      await admin.getByRole('link', { name: 'Consent', exact: true }).waitFor();
    }
  );
});

describe('a role without the plugin actions', () => {
  const FRONT_DESK = { email: 'front.desk@example.com', password: 'Front-desk-2026' };
  let restricted: Page;
  let restrictedToken: string;
  let client: { documentId: string; name: string };

  beforeAll(async () => {
    // Through the admin API, as an admin would in Settings > Roles and Users:
    // a role with the Content Manager on clients and nothing of the plugin.
    await createAdminWithRole(
      app,
      adminToken,
      { name: 'Front desk', description: 'Clients only', permissions: CLIENT_EDITOR_PERMISSIONS },
      { firstname: 'Front', lastname: 'Desk', ...FRONT_DESK }
    );
    restrictedToken = await app.token(FRONT_DESK.email, FRONT_DESK.password);
    client = await findClient('ida.johansson.42@example.com');

    restricted = await browser.newPage(app.url);
    await logIn(restricted, FRONT_DESK.email, FRONT_DESK.password);
  });

  step(
    'has no Consent link in the main menu',
    () => restricted,
    async () => {
      // The menu's plugin links are there (Content Manager, which the role has: the
      // panel shows them all at once after checking permissions), without the plugin's entry.
      await restricted.getByRole('link', { name: 'Content Manager' }).first().waitFor();
      await expect(
        restricted.getByRole('link', { name: 'Consent', exact: true }).count()
      ).resolves.toBe(0);
    }
  );

  step(
    'sees no access on the plugin page',
    () => restricted,
    async () => {
      await restricted.goto('/admin/plugins/consent');
      await restricted.getByText(/don't have the permissions to access that content/i).waitFor();
    }
  );

  step(
    'sees no consent side panel on a client in the Content Manager',
    () => restricted,
    async () => {
      await restricted.goto(
        `/admin/content-manager/collection-types/api::client.client/${client.documentId}`
      );
      // The client's form is there (the role may read clients)...
      await restricted.getByRole('textbox', { name: /^name/i }).waitFor();
      await expect(restricted.getByRole('textbox', { name: /^name/i }).inputValue()).resolves.toBe(
        client.name
      );
      // ...with the Content Manager's own side panel, but without the plugin's.
      await restricted.getByRole('heading', { level: 2, name: 'Entry', exact: true }).waitFor();
      await expect(consentPanel(restricted).count()).resolves.toBe(0);
    }
  );

  step(
    'gets 403 from the plugin API',
    () => restricted,
    async () => {
      for (const [method, path] of [
        ['get', '/consent/purposes'],
        ['get', '/consent/subjects?consent=valid'],
        ['get', `/consent/subjects/${client.documentId}`],
        ['get', '/consent/requests'],
        ['get', '/consent/settings'],
      ] as const) {
        const res = await app.http()[method](path).set(auth(restrictedToken));
        expect([path, res.status]).toEqual([path, 403]);
      }
      const recorded = await app
        .http()
        .post(`/consent/subjects/${client.documentId}/decisions`)
        .set(auth(restrictedToken))
        .send({ channel: 'in_person', decisions: [{ purpose: 'storage', decision: 'given' }] });
      expect(recorded.status).toBe(403);
      // The super admin's token passes the same route's policy (so the 403 above is about the role).
      const allowed = await app
        .http()
        .get(`/consent/subjects/${client.documentId}`)
        .set(auth(adminToken));
      expect(allowed.status).toBe(200);
    }
  );
});

describe('the consent screens of an admin with every permission', () => {
  /** Seeded clients without any consent event (the seed's clients 42-49). */
  const IN_PERSON = { name: 'Magnus Berg' }; // no email, no phone: only in person
  const BY_MAIL = { email: 'linnea.lindqvist.44@example.com' }; // English
  let validBefore: number;

  beforeAll(() => {
    if (!adminToken) throw new Error('the first admin was not registered (see the first test)');
  });

  step(
    'Overview: counts per state',
    () => admin,
    async () => {
      const valid = await countByApi('valid');
      const invalid = await countByApi('invalid');
      await admin.goto('/admin/plugins/consent');
      await admin.getByRole('heading', { name: 'Consent overview' }).waitFor();
      await admin.getByLabel(`Valid consent: ${valid.count}`, { exact: true }).waitFor();
      await admin.getByLabel(`No valid consent: ${invalid.count}`, { exact: true }).waitFor();
      await admin.getByLabel(`All clients: ${await clientTotal()}`, { exact: true }).waitFor();
      // The trend's legend counts decisions (events), said as such, and matches the API's trend.
      const trend = await app
        .http()
        .get('/consent/overview')
        .query({ days: 30 })
        .set(auth(adminToken));
      const given = trend.body.data.trend.reduce(
        (n: number, p: { given: number }) => n + p.given,
        0
      );
      await admin
        .getByText(new RegExp(`^Given: ${given} decisions?$`))
        .first()
        .waitFor();
      await admin.getByTestId('trend-note').waitFor();
      // The seed's history is spread over the year: the last 30 days hold some decisions, not all.
      const year = await app
        .http()
        .get('/consent/overview')
        .query({ days: 365 })
        .set(auth(adminToken));
      const givenInYear = year.body.data.trend.reduce(
        (n: number, p: { given: number }) => n + p.given,
        0
      );
      expect(given).toBeGreaterThan(0);
      expect(givenInYear).toBeGreaterThan(given);
      expect(
        year.body.data.trend.filter((p: { given: number }) => p.given > 0).length
      ).toBeGreaterThan(10);
      await screenshot(admin, 'overview');
    }
  );

  step(
    'Clients: the valid / no valid consent filters show the counts of the API',
    () => admin,
    async () => {
      const valid = await countByApi('valid');
      const invalid = await countByApi('invalid');
      // The seed has clients on both sides; together they are all of them.
      const total = await clientTotal();
      expect(valid.count).toBeGreaterThan(0);
      expect(invalid.count).toBeGreaterThan(0);
      expect(valid.count + invalid.count).toBe(total);
      validBefore = valid.count;

      await showClients(admin, 'Valid consent');
      await expectShown(admin, valid.count);
      await showClients(admin, 'No valid consent');
      await expectShown(admin, invalid.count);
      await screenshot(admin, 'clients');

      // The same filters in the Content Manager's own list of clients, with its count.
      for (const [option, expected] of [
        ['Valid consent', valid.count],
        ['No valid consent', invalid.count],
      ] as const) {
        await admin.goto('/admin/content-manager/collection-types/api::client.client?page=1');
        await admin.getByText(new RegExp(`^${total} entries found$`)).waitFor();
        await admin.getByRole('combobox', { name: 'Consent filter' }).click();
        await admin.getByRole('option', { name: option, exact: true }).click();
        await admin.getByText(new RegExp(`^${expected} entries found$`)).waitFor();
      }
    }
  );

  step(
    'registers a consent in person from the side panel; the client moves to valid',
    () => admin,
    async () => {
      const res = await app
        .http()
        .get('/content-manager/collection-types/api::client.client')
        .query({ 'filters[name][$eq]': IN_PERSON.name })
        .set(auth(adminToken));
      expect(res.body.results).toHaveLength(1);
      const client = res.body.results[0];
      expect((await countByApi('valid')).ids).not.toContain(client.documentId);
      // A Danish client (the admin's interface is English): the texts are shown, and recorded, in Danish.
      const updated = await app
        .http()
        .put(`/content-manager/collection-types/api::client.client/${client.documentId}`)
        .set(auth(adminToken))
        .send({ name: IN_PERSON.name, language: 'da' });
      expect(updated.status).toBe(200);

      await admin.goto(editView(client.documentId));
      await consentPanel(admin).waitFor();
      const panel = admin.getByTestId('consent-panel');
      // The overall status, once: its badge.
      const overall = panel.getByTestId('consent-overall');
      await overall.getByText('No consent', { exact: true }).waitFor();
      // Nothing given yet, so nothing to annul: the button is not offered (issue 21).
      await panel.getByTestId('consent-requests').waitFor();
      expect(await panel.getByRole('button', { name: 'Annul consent' }).count()).toBe(0);
      await screenshot(admin, 'content-manager-panel');
      await admin.getByRole('button', { name: 'Register consent in person' }).click();
      const modal = admin.getByRole('dialog', { name: 'Register consent in person' });
      await modal.waitFor();
      await modal
        .getByRole('combobox', { name: 'Language' })
        .filter({ hasText: "DA (client's)" })
        .waitFor();
      await modal.getByRole('heading', { name: 'Opbevaring af personoplysninger' }).waitFor();
      await modal
        .getByRole('checkbox', { name: 'The client consents to “Storage of personal data”' })
        .check();
      // The source: the desk unless staff pick another of Settings > Sources (issue 21.4).
      const source = modal.getByRole('combobox', { name: 'Source' });
      await source.filter({ hasText: 'At the desk' }).waitFor();
      await source.click();
      await admin.getByRole('option', { name: 'Phone call', exact: true }).click();
      await source.filter({ hasText: 'Phone call' }).waitFor();
      await screenshot(admin, 'in-person-modal');
      await modal.getByRole('button', { name: 'Record consent' }).click();
      await admin.getByText('Consent recorded').first().waitFor();
      await modal.waitFor({ state: 'hidden' });
      // The panel refreshes by itself (the recording invalidates the client's cached state), without a reload.
      await overall.getByText('Valid', { exact: true }).waitFor();
      await panel.getByRole('button', { name: 'Annul consent' }).waitFor();
      // The history names the purpose as staff know it, not by its key.
      await panel
        .getByRole('list', { name: 'History' })
        .getByText(/^Consent given · Storage of personal data v\d+\.\d+ \(DA\)$/)
        .waitFor();
      // With how and where: in person, on the phone (the source's label).
      await panel
        .getByRole('list', { name: 'History' })
        .getByText(/in person \(Phone call\) · recorded by /)
        .first()
        .waitFor();

      // The ledger has it, recorded in person by this admin; the client is now among the valid ones.
      const events = await app
        .http()
        .get(`/consent/subjects/${client.documentId}/events`)
        .set(auth(adminToken));
      expect(events.body.data).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            purposeKey: 'storage',
            decision: 'given',
            channel: 'in_person',
            source: 'phone',
            actorType: 'admin',
            textLocale: 'da',
          }),
        ])
      );
      const valid = await countByApi('valid');
      expect(valid.ids).toContain(client.documentId);
      expect(valid.count).toBe(validBefore + 1);
      await showClients(admin, 'Valid consent');
      await expectShown(admin, validBefore + 1);
      await expect(
        admin.getByRole('link', { name: `Open ${IN_PERSON.name}` }).count()
      ).resolves.toBe(1);
    }
  );

  step(
    'sends a request from the side panel: the mail arrives with a link that works',
    () => admin,
    async () => {
      const client = await findClient(BY_MAIL.email);
      await admin.goto(editView(client.documentId));
      await consentPanel(admin).waitFor();
      const requests = admin.getByTestId('consent-requests');
      await requests.waitFor();
      await admin.getByRole('button', { name: 'Send request' }).click();
      await admin.getByText('Consent request queued').first().waitFor();
      // The client card shows the request at once, and that it went out once the worker sent it.
      await requests.getByText('Consent request', { exact: true }).first().waitFor();

      const mail = await smtp.waitFor((m) => m.to.includes(BY_MAIL.email), 30_000);
      await requests
        .getByText(/^Sent by Email on .+ · open until /)
        .first()
        .waitFor();
      const link = mail.text.match(/https?:\/\/\S+\/api\/consent\/r\/[A-Za-z0-9_-]+/)?.[0];
      expect(link).toBeDefined();
      expect(link!.startsWith(app.url)).toBe(true);

      // The client opens the link in a browser, consents to storage and sends the form.
      const clientPage = await browser.newPage(app.url);
      const opened = await clientPage.goto(link!);
      expect(opened?.status()).toBe(200);
      // Every asked purpose needs an answer: decline them all, then consent to storage.
      for (const refuse of await clientPage.locator('input[type="radio"][value="refused"]').all())
        await refuse.check();
      await clientPage.locator('#storage-given').check();
      await clientPage.locator('button[type="submit"]').first().click();
      await clientPage.waitForLoadState();
      await until(
        async () => (await countByApi('valid')).ids.includes(client.documentId),
        'the client to be valid after answering'
      );
      await clientPage.context().close();
      await admin.reload();
      await admin
        .getByTestId('consent-requests')
        .getByText('Approved', { exact: true })
        .first()
        .waitFor();
    }
  );

  step(
    'a public booking that names this client: the side panel shows the decisions waiting for the client to confirm',
    () => admin,
    async () => {
      const client = await findClient(BY_MAIL.email);
      const res = await fetch(`${app.url}/api/bookings`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          data: {
            startsAt: '2026-12-20T10:00:00.000Z',
            service: 'Haircut',
            contact: { name: 'Anyone', email: BY_MAIL.email },
            consent: { given: ['marketing'] },
          },
        }),
      });
      expect(res.status).toBe(201);
      await admin.goto(editView(client.documentId));
      const pending = admin.getByTestId('consent-pending');
      await pending.getByText('Waiting for the client to confirm').waitFor();
      await expect(pending.getByText(/consent given on the booking page/).count()).resolves.toBe(1);
    }
  );

  step(
    'an editorial change that rewrites the text shows its size and must be confirmed before it can be published',
    () => admin,
    async () => {
      await admin.goto('/admin/plugins/consent/texts');
      await admin.getByRole('heading', { name: 'Consent texts' }).waitFor();
      await admin.getByRole('button', { name: 'New version of Storage of personal data' }).click();
      const editor = admin.getByRole('dialog', {
        name: 'New version of “Storage of personal data”',
      });
      await editor.waitFor();
      await editor
        .getByLabel(/^Text \(EN\)/)
        .fill('We may share your client card with partners of our choosing.');
      await editor
        .getByRole('radio', { name: 'Editorial change: existing consents stay valid' })
        .check();
      await editor.getByRole('button', { name: 'Review changes' }).click();
      const review = admin.getByRole('dialog', { name: 'Publish “Storage of personal data”?' });
      await review.waitFor();
      await review.getByTestId('change-size').waitFor();
      const warning = review.getByRole('group', {
        name: /words changed: is this really an editorial change\?$/,
      });
      await warning.waitFor();
      const publish = review.getByRole('button', { name: 'Publish version' });
      expect(await publish.isDisabled()).toBe(true);
      await warning.getByRole('checkbox').check();
      expect(await publish.isDisabled()).toBe(false);
      await screenshot(admin, 'texts-large-editorial');
      // Not published: the editor thinks again.
      await admin.keyboard.press('Escape');
      await review.waitFor({ state: 'detached' });
    }
  );

  step(
    'publishes a substantive version of the required text: the valid clients move to "no valid consent"',
    () => admin,
    async () => {
      const valid = await countByApi('valid');
      expect(valid.count).toBeGreaterThan(0);

      await admin.goto('/admin/plugins/consent/texts');
      await admin.getByRole('heading', { name: 'Consent texts' }).waitFor();
      await admin.getByRole('button', { name: 'New version of Storage of personal data' }).click();
      const editor = admin.getByRole('dialog', {
        name: 'New version of “Storage of personal data”',
      });
      await editor.waitFor();
      await editor.getByLabel(/^Title \(EN\)/).fill('Storage of personal data and photos');
      await editor
        .getByLabel(/^Text \(EN\)/)
        .fill(
          'I consent to the salon keeping my client card and photos of my treatments between visits.'
        );
      await editor
        .getByRole('radio', { name: 'Substantive change: clients must consent again' })
        .check();
      await editor.getByRole('button', { name: 'Review changes' }).click();
      const review = admin.getByRole('dialog', { name: 'Publish “Storage of personal data”?' });
      await review.waitFor();
      // Storage is the only required purpose: each valid client consented to its current version.
      await review
        .getByText(
          `${valid.count} clients have consented to the current version and will have to consent again.`
        )
        .waitFor();
      await screenshot(admin, 'texts-publish');
      await review.getByRole('button', { name: 'Publish version' }).click();
      await admin
        .getByText(/^Version 3\.0 of “Storage of personal data” published$/)
        .first()
        .waitFor();
      // The Texts screen lists the new version by itself: the publication invalidates the cached purposes and versions.
      const storage = admin.getByRole('region', { name: 'Storage of personal data' });
      await storage.getByText('Version in force: 3.0').waitFor();
      await storage.getByRole('button', { name: /^Version 3\.0/ }).waitFor();

      const after = await countByApi('valid');
      expect(after.count).toBe(0);
      await showClients(admin, 'No valid consent');
      await expectShown(admin, await clientTotal());
      await showClients(admin, 'Valid consent');
      await admin.getByText('No clients match this filter.').waitFor();
    }
  );

  step(
    'edits a purpose: its name in another language and its special category',
    () => admin,
    async () => {
      await admin.goto('/admin/plugins/consent/texts');
      await admin.getByRole('heading', { name: 'Consent texts' }).waitFor();
      const health = admin.getByRole('region', { name: 'Health information' });
      // The seed names the Art. 9(1) category of the health purpose.
      await health.getByText('Special category: Data concerning health').waitFor();
      // The card settled: its versions are read (New version is enabled once they are).
      const newVersion = health.getByRole('button', { name: 'New version of Health information' });
      await newVersion.waitFor();
      for (let i = 0; i < 50 && (await newVersion.isDisabled()); i += 1)
        await admin.waitForTimeout(200);
      const dialog = admin.getByRole('dialog', { name: 'Edit Health information' });
      const edit = health.getByRole('button', { name: 'Edit the purpose Health information' });
      await edit.click();
      // On a loaded machine one click was seen to open nothing (PostgreSQL run): click once more then.
      if (!(await dialog.isVisible({ timeout: 5000 }).catch(() => false))) {
        await admin.waitForTimeout(5000);
        if (!(await dialog.isVisible())) await edit.click();
      }
      await dialog.waitFor({ timeout: 30_000 });
      await dialog.getByRole('tab', { name: 'DA' }).click();
      const danish = dialog.getByRole('textbox', { name: /^Name/ });
      await danish.fill('Helbred og allergier');
      await screenshot(admin, 'purpose-edit');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await admin.getByText('Health information saved').first().waitFor();
      await dialog.waitFor({ state: 'detached' });

      const purposes = await app.http().get('/consent/purposes').set(auth(adminToken));
      const saved = purposes.body.data.find((p: { key: string }) => p.key === 'health');
      expect(saved).toMatchObject({
        name: 'Health information',
        specialCategoryKind: 'health',
        translations: { da: { name: 'Helbred og allergier' } },
      });
      const texts = await app.http().get('/api/consent/texts').query({ locale: 'da' });
      expect(texts.body.data.find((t: { purpose: string }) => t.purpose === 'health').name).toBe(
        'Helbred og allergier'
      );
    }
  );

  step(
    'Requests and campaigns: the request sent above is listed',
    () => admin,
    async () => {
      await admin.goto('/admin/plugins/consent/requests');
      await admin.getByRole('heading', { name: 'Requests and campaigns' }).waitFor();
      const client = await findClient(BY_MAIL.email);
      // The client by name (a link to the client), the document id as secondary text.
      const row = admin.getByRole('row').filter({ hasText: client.documentId }).first();
      await row.getByRole('link', { name: client.name, exact: true }).waitFor();
      await screenshot(admin, 'requests');
    }
  );

  step(
    'Settings: the request settings and the test mail',
    () => admin,
    async () => {
      await admin.goto('/admin/settings/consent');
      await admin.getByRole('heading', { name: 'Consent settings' }).waitFor();
      await admin.getByLabel('Days a request stays open').waitFor();
      await screenshot(admin, 'settings');

      // Sources (issue 21.4): add one, its key follows the label; move it above the fair; save.
      const sources = admin.getByTestId('consent-source');
      expect(await sources.count()).toBe(4);
      await admin.getByRole('button', { name: 'Add a source' }).click();
      await sources
        .nth(4)
        .getByLabel(/^Label\*?$/)
        .fill('Wedding fair 2026');
      await sources.nth(4).getByLabel('Label (DA)').fill('Bryllupsmesse 2026');
      expect(
        await sources
          .nth(4)
          .getByLabel(/^Key\*?$/)
          .inputValue()
      ).toBe('wedding_fair_2026');
      await admin.getByRole('button', { name: 'Move Wedding fair 2026 up' }).click();
      // The form saves as a whole, and the receipts' controller needs a name (the demo sets none).
      await admin
        .getByRole('region', { name: 'Controller (for receipts)' })
        .getByLabel(/^Name/)
        .fill('Salon Demo');
      await admin.getByRole('button', { name: 'Save', exact: true }).click();
      await admin.getByText('Settings saved').first().waitFor();
      const saved = await app.http().get('/consent/settings').set(auth(adminToken));
      expect(saved.body.data.sources.map((s: { key: string }) => s.key)).toEqual([
        'desk',
        'phone',
        'web_form',
        'wedding_fair_2026',
        'fair',
      ]);
      expect(saved.body.data.sources[3]).toEqual({
        key: 'wedding_fair_2026',
        label: 'Wedding fair 2026',
        labels: { da: 'Bryllupsmesse 2026' },
      });
      // A saved key is fixed (events hold it): shown, no longer an input.
      await sources.nth(3).getByText('wedding_fair_2026', { exact: true }).waitFor();
      expect(
        await sources
          .nth(3)
          .getByLabel(/^Key\*?$/)
          .count()
      ).toBe(0);
      await screenshot(admin, 'settings-sources');
    }
  );
});
