/**
 * The register of data-subject requests in a real browser (Debian's Chromium through
 * playwright-core), against the built demo app: the demo admin registers a request
 * received by email, verifies the identity, starts and completes it, and the request's
 * history shows each step; the server holds the same.
 */
import type { Page } from 'playwright-core';
import { DEMO_ADMIN } from '../helpers/app';
import { startAdminApp, type AdminApp } from '../helpers/admin-app';
import { launchBrowser, logIn, saveFailure, type TestBrowser } from '../helpers/browser';

let app: AdminApp;
let browser: TestBrowser;
let page: Page;
let token: string;

beforeAll(async () => {
  app = await startAdminApp({ CONSENT_WORKER: 'false' });
  browser = await launchBrowser();
  page = await browser.newPage(app.url);
  token = await app.token(DEMO_ADMIN.email, DEMO_ADMIN.password);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const auth = () => ({ Authorization: `Bearer ${token}` });

const step = async (label: string, fill?: { field: RegExp; value: string }) => {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('combobox', { name: /Next step/ }).click();
  await page.getByRole('option', { name: label, exact: true }).click();
  if (fill) await dialog.getByLabel(fill.field).fill(fill.value);
  await dialog.getByRole('button', { name: 'Apply' }).click();
};

describe('the register of data-subject requests', () => {
  it('creates a request and takes it to completed, with its history', async () => {
    try {
      await logIn(page, DEMO_ADMIN.email, DEMO_ADMIN.password);
      await page.goto('/admin/plugins/consent/dsr');
      await page.getByRole('heading', { name: 'Data-subject requests' }).first().waitFor();

      await page.getByRole('button', { name: 'New request' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(/^Email or phone of the person/).fill('walk.in@example.com');
      await dialog.getByLabel(/^Details/).fill('A copy of everything, please');
      await dialog.getByRole('button', { name: 'Register request' }).click();

      // The new request opens in its dialog.
      await page.getByRole('heading', { name: /^Request / }).waitFor();
      const title = await page.getByRole('heading', { name: /^Request / }).textContent();
      const documentId = title!.replace(/^Request /, '').trim();
      await page.getByTestId('dsr-status').getByText('Received').waitFor();

      await step('Mark identity verified', {
        field: /^Identity verified by/,
        value: 'photo ID at the desk',
      });
      await page.getByTestId('dsr-status').getByText('Identity verified').waitFor();
      await step('Start work');
      await page.getByTestId('dsr-status').getByText('In progress').waitFor();
      await step('Complete');
      await page.getByTestId('dsr-status').getByText('Completed').waitFor();
      await page.getByTestId('dsr-history').locator('li').nth(3).waitFor();
      expect(await page.getByTestId('dsr-history').locator('li').count()).toBe(4);

      const res = await app.http().get(`/consent/dsr/${documentId}`).set(auth());
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        status: 'completed',
        kind: 'access',
        channel: 'email',
        contact: 'walk.in@example.com',
        verificationMethod: 'photo ID at the desk',
      });
      expect(res.body.data.history.map((h: { toStatus: string }) => h.toStatus)).toEqual([
        'received',
        'verified',
        'in_progress',
        'completed',
      ]);

      // The list shows it.
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: `Open request ${documentId}` }).waitFor();

      // The overview shows the register's counts, as the API gives them.
      const counts = (await app.http().get('/consent/overview').set(auth())).body.data.dsr;
      await page.goto('/admin/plugins/consent');
      await page.getByTestId('overview-dsr-open').waitFor();
      expect(await page.getByTestId('overview-dsr-open').textContent()).toBe(
        counts.open.toLocaleString('en')
      );
      expect(await page.getByTestId('overview-dsr-overdue').textContent()).toBe(
        counts.overdue.toLocaleString('en')
      );
    } catch (error) {
      await saveFailure(page, 'dsr register');
      throw error;
    }
  });
});
