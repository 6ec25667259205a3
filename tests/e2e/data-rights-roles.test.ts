/**
 * Data rights in a real browser (Debian's Chromium through playwright-core) for an
 * admin role that may read and export consent but not erase, import or check the
 * proof: the Content Manager's side panel and the plugin's client list offer the
 * downloads without erasure, and the Data rights page is refused. Against the
 * built demo app, seeded, on this worker's fresh database.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { demoClients } from '../../playground/src/seed/clients';
import { DEMO_ADMIN } from '../helpers/app';
import {
  CLIENT_EDITOR_PERMISSIONS,
  createAdminWithRole,
  findClientByEmail,
  startAdminApp,
  type AdminApp,
  type ClientDoc,
} from '../helpers/admin-app';
import { launchBrowser, logIn, saveFailure, type TestBrowser } from '../helpers/browser';

let app: AdminApp;
let browser: TestBrowser;
let token: string;

beforeAll(async () => {
  app = await startAdminApp({ CONSENT_WORKER: 'false' });
  browser = await launchBrowser();
  token = await app.token(DEMO_ADMIN.email, DEMO_ADMIN.password);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A seeded client with consent events and a booking. */
const BOOKED = demoClients()[20];

describe('a role with the export action only', () => {
  const EXPORTER = { email: 'exporter@example.com', password: 'Exporter-pass-2026' };
  let page: Page;
  let client: ClientDoc;

  beforeAll(async () => {
    // Through the admin API, as in Settings > Roles: the Content Manager on clients,
    // the plugin's read and export actions, none of erase, import or proof.
    await createAdminWithRole(
      app,
      token,
      {
        name: 'Exporter',
        description: 'Exports only',
        permissions: [
          ...CLIENT_EDITOR_PERMISSIONS,
          ...['plugin::consent.read', 'plugin::consent.export'].map((action) => ({
            action,
            subject: null,
            properties: {},
            conditions: [],
          })),
        ],
      },
      { firstname: 'Ex', lastname: 'Porter', ...EXPORTER }
    );
    client = (await findClientByEmail(app, token, BOOKED.email!))!;
    page = await browser.newPage(app.url);
    await logIn(page, EXPORTER.email, EXPORTER.password);
  });

  it('sees the exports in the side panel but no erasure, and no Data rights page', async () => {
    try {
      await page.goto(
        `/admin/content-manager/collection-types/api::client.client/${client.documentId}`
      );
      await page.getByRole('heading', { level: 2, name: 'Consent', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Access archive (ZIP)' }).waitFor();
      await expect(page.getByRole('button', { name: 'Erase client…' }).count()).resolves.toBe(0);

      // The downloads arrive as files: the access archive is a ZIP, the history an XLSX
      // workbook (also a ZIP container), the Kantara receipt JSON about this client.
      const [archive] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Access archive (ZIP)' }).click(),
      ]);
      expect(
        fs
          .readFileSync((await archive.path())!)
          .subarray(0, 2)
          .toString('latin1')
      ).toBe('PK');
      await page.getByRole('button', { name: 'Export history' }).click();
      const [xlsx] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('menuitem', { name: 'Excel (XLSX)' }).click(),
      ]);
      expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
      expect(
        fs
          .readFileSync((await xlsx.path())!)
          .subarray(0, 2)
          .toString('latin1')
      ).toBe('PK');
      await page.getByRole('button', { name: 'Consent receipt' }).click();
      const [receipt] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('menuitem', { name: 'Kantara v1.1 (JSON)' }).click(),
      ]);
      expect(receipt.suggestedFilename()).toBe(`consent-receipt-${client.documentId}-kantara.json`);
      const kantara = JSON.parse(fs.readFileSync((await receipt.path())!, 'utf8'));
      expect(kantara).toMatchObject({
        consentReceiptID: expect.any(String),
        piiPrincipalId: client.documentId,
      });

      // The plugin's client list has the same actions in a menu per row, without erasure for this role.
      await page.goto('/admin/plugins/consent/clients');
      await page.getByRole('button', { name: `Data rights of ${BOOKED.name}` }).click();
      await page.getByRole('menuitem', { name: 'Access archive (ZIP)' }).waitFor();
      await page.getByRole('menuitem', { name: 'Excel (XLSX)' }).waitFor();
      await expect(page.getByRole('menuitem', { name: 'Erase client…' }).count()).resolves.toBe(0);
      await page.keyboard.press('Escape');

      await page.goto('/admin/plugins/consent');
      await page.getByRole('link', { name: 'Clients', exact: true }).waitFor();
      await expect(
        page.getByRole('link', { name: 'Data rights', exact: true }).count()
      ).resolves.toBe(0);
      await page.goto('/admin/plugins/consent/data-rights');
      await page.getByText(/don't have the permissions to access that content/i).waitFor();
    } catch (error) {
      (error as Error).message +=
        `\n(page saved: ${await saveFailure(page, 'data-rights exporter role')})`;
      throw error;
    }
  });
});
