/**
 * The admin panel in a real browser (Debian's Chromium through playwright-core)
 * against the built demo app: one app for the whole file, on this worker's fresh
 * database, seeded (50 clients, 4 purposes, texts, consents in every state), with
 * mail going to a real SMTP server in this process. The tests run in order: the
 * first one registers the admin the others use.
 */
import type { Page } from 'playwright-core';
import { DEMO_ADMIN } from '../helpers/app';
import { startAdminApp, type AdminApp } from '../helpers/admin-app';
import { launchBrowser, logIn, type TestBrowser } from '../helpers/browser';
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
const findClient = async (email: string): Promise<{ documentId: string; name: string; email: string }> => {
  const res = await app
    .http()
    .get('/content-manager/collection-types/api::client.client')
    .query({ 'filters[email][$eq]': email, pageSize: 1 })
    .set(auth(adminToken));
  expect(res.status).toBe(200);
  expect(res.body.results).toHaveLength(1);
  return res.body.results[0];
};

describe('first admin', () => {
  it('registers the first admin on the registration page and lands in the panel', async () => {
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

    // The account exists and is a super admin: it logs in over the API and may use the plugin.
    adminToken = await app.token(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const me = await app.http().get('/admin/users/me').set(auth(adminToken));
    expect(me.body.data).toMatchObject({ email: DEMO_ADMIN.email, firstname: 'Demo' });
    expect(me.body.data.roles.map((r: { code: string }) => r.code)).toContain('strapi-super-admin');
    const purposes = await app.http().get('/consent/purposes').set(auth(adminToken));
    expect(purposes.status).toBe(200);
    // Its main menu has the plugin's entry (the restricted role below must not).
    await expect(admin.getByRole('link', { name: 'Consent', exact: true }).isVisible()).resolves.toBe(true);
  });
});

describe('a role without the plugin actions', () => {
  const FRONT_DESK = { email: 'front.desk@example.com', password: 'Front-desk-2026' };
  let restricted: Page;
  let restrictedToken: string;
  let client: { documentId: string; name: string };

  beforeAll(async () => {
    // Through the admin API, as an admin would in Settings > Roles and Users:
    // a role with the Content Manager on clients and nothing of the plugin.
    const role = await app.http().post('/admin/roles').set(auth(adminToken)).send({ name: 'Front desk', description: 'Clients only' });
    expect(role.status).toBe(201);
    const fields = ['name', 'email', 'phone', 'language', 'bookings', 'user'];
    const permissions = ['read', 'update'].map((action) => ({
      action: `plugin::content-manager.explorer.${action}`,
      subject: 'api::client.client',
      properties: { fields },
      conditions: [],
    }));
    const granted = await app.http().put(`/admin/roles/${role.body.data.id}/permissions`).set(auth(adminToken)).send({ permissions });
    expect(granted.status).toBe(200);
    const user = await app
      .http()
      .post('/admin/users')
      .set(auth(adminToken))
      .send({ firstname: 'Front', lastname: 'Desk', email: FRONT_DESK.email, roles: [role.body.data.id] });
    expect(user.status).toBe(201);
    const registered = await app
      .http()
      .post('/admin/register')
      .send({ registrationToken: user.body.data.registrationToken, userInfo: { firstname: 'Front', lastname: 'Desk', password: FRONT_DESK.password } });
    expect(registered.status).toBe(200);
    restrictedToken = await app.token(FRONT_DESK.email, FRONT_DESK.password);
    client = await findClient('ida.johansson.42@example.com');

    restricted = await browser.newPage(app.url);
    await logIn(restricted, FRONT_DESK.email, FRONT_DESK.password);
  });

  it('has no Consent link in the main menu', async () => {
    // The menu is there (the Content Manager link the role does have), without the plugin's entry.
    await restricted.getByRole('link', { name: 'Content Manager' }).first().waitFor();
    await expect(restricted.getByRole('link', { name: 'Consent', exact: true }).count()).resolves.toBe(0);
  });

  it('sees no access on the plugin page', async () => {
    await restricted.goto('/admin/plugins/consent');
    await restricted.getByText(/don't have the permissions to access that content/i).waitFor();
  });

  it('sees no consent side panel on a client in the Content Manager', async () => {
    await restricted.goto(`/admin/content-manager/collection-types/api::client.client/${client.documentId}`);
    // The client's form is there (the role may read clients)...
    await restricted.getByRole('textbox', { name: /^name/i }).waitFor();
    await expect(restricted.getByRole('textbox', { name: /^name/i }).inputValue()).resolves.toBe(client.name);
    // ...without the plugin's panel.
    await expect(restricted.getByRole('heading', { name: /^consent$/i }).count()).resolves.toBe(0);
  });

  it('gets 403 from the plugin API', async () => {
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
    const allowed = await app.http().get(`/consent/subjects/${client.documentId}`).set(auth(adminToken));
    expect(allowed.status).toBe(200);
  });
});

