/**
 * The activation wizard in a real browser, on a fresh install as a host sees it: the built
 * demo app with DEMO_SEED=off (the demo admin, no organisation name, no purposes, no texts).
 * It asks the organisation's name first; requests are refused until it is set.
 */
import type { Page } from 'playwright-core';
import { DEMO_ADMIN } from '../helpers/app';
import { startAdminApp, type AdminApp } from '../helpers/admin-app';
import { launchBrowser, logIn, saveFailure, type TestBrowser } from '../helpers/browser';

let app: AdminApp;
let browser: TestBrowser;
let page: Page;
let token: string;

const auth = () => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  app = await startAdminApp({ DEMO_SEED: 'off', CONSENT_WORKER: 'false' });
  browser = await launchBrowser();
  page = await browser.newPage(app.url);
  token = await app.token(DEMO_ADMIN.email, DEMO_ADMIN.password);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the activation wizard', () => {
  it('asks the organisation name, then the purpose, then publishes its first text', async () => {
    try {
      const before = await app.http().get('/consent/settings').set(auth());
      expect(before.body.data.sender.organisation).toBe('');

      await logIn(page, DEMO_ADMIN.email, DEMO_ADMIN.password);
      await page.goto('/admin/settings/consent');
      await page.getByText('Step 1 of 3 · Your organisation').waitFor();

      // Empty: not saved, the field says why.
      await page.getByRole('button', { name: 'Next: the purpose' }).click();
      await page.getByText(/Enter your organisation's name/).waitFor();
      await page.getByLabel(/^Organisation/).fill('Klinik Solsikke');
      await page.getByRole('button', { name: 'Next: the purpose' }).click();

      await page.getByText('Step 2 of 3 · Purpose and legal basis').waitFor();
      const named = await app.http().get('/consent/settings').set(auth());
      expect(named.body.data.sender.organisation).toBe('Klinik Solsikke');
      await page.getByRole('button', { name: 'Next: write the text' }).click();

      await page.getByText(/^Step 3 of 3 · First text of/).waitFor();
      await page.getByLabel(/^Title \(EN\)/).fill('Storage of personal data');
      await page.getByLabel(/^Text \(EN\)/).fill('I consent to the clinic keeping my card.');
      await page.getByRole('button', { name: 'Publish and activate' }).click();
      await page.getByText('Consent is active').first().waitFor();

      const purposes = await app.http().get('/consent/purposes').set(auth());
      expect(purposes.body.data).toEqual([
        expect.objectContaining({ key: 'storage', currentMajor: 1, currentMinor: 0 }),
      ]);
    } catch (error) {
      await saveFailure(page, 'activation wizard');
      throw error;
    }
  });
});
