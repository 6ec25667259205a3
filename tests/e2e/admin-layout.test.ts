/**
 * The admin panel's layout at the screenshots' 1440x900 viewport, in English, Danish and
 * Swedish (issue 21 point 7): nothing truncated, cut off, wrapped into a second line or
 * shown twice. Measured in the browser (bounding boxes, scroll widths, counts), on the
 * seeded demo (50 clients, bookings with and without valid consent).
 */
import type { Locator, Page } from 'playwright-core';
import { DEMO_ADMIN } from '../helpers/app';
import { startAdminApp, type AdminApp } from '../helpers/admin-app';
import {
  launchBrowser,
  logIn,
  saveFailure,
  screenshot,
  type TestBrowser,
} from '../helpers/browser';

let app: AdminApp;
let browser: TestBrowser;
let page: Page;
let token: string;

const auth = () => ({ Authorization: `Bearer ${token}` });
const BOOKING = 'api::booking.booking';

beforeAll(async () => {
  app = await startAdminApp({ CONSENT_WORKER: 'false' });
  browser = await launchBrowser();
  page = await browser.newPage(app.url);
  token = await app.token(DEMO_ADMIN.email, DEMO_ADMIN.password);
  await logIn(page, DEMO_ADMIN.email, DEMO_ADMIN.password);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** it(), and when it fails a screenshot and the HTML of the page in tests/.artifacts/e2e. */
const step = (name: string, fn: () => Promise<void>) =>
  it(name, async () => {
    try {
      await fn();
    } catch (error) {
      (error as Error).message += `\n(page saved: ${await saveFailure(page, name)})`;
      throw error;
    }
  });

/** The admin panel's language (Strapi keeps it in localStorage), then `path` opened anew. */
const openIn = async (language: 'en' | 'da' | 'sv', path: string) => {
  await page.evaluate((l) => localStorage.setItem('strapi-admin-language', l), language);
  await page.goto(path);
};

/** Elements inside `locator` (and itself) whose content is wider than their box: clipped text. */
const clipped = (locator: Locator) =>
  locator.evaluate((root) =>
    [root, ...root.querySelectorAll('*')]
      .filter((el) => el instanceof HTMLElement && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.tagName}: ${el.textContent}`)
  );

const height = async (locator: Locator) => Math.round((await locator.boundingBox())!.height);

/** A client of the demo seed with one purpose decided and others not. */
const someClient = async (): Promise<string> => {
  const res = await app
    .http()
    .get('/content-manager/collection-types/api::client.client')
    .query({ pageSize: 1, sort: 'id:asc' })
    .set(auth());
  expect(res.status).toBe(200);
  return res.body.results[0].documentId;
};

/** Every booking of the demo, with its consent mark from the single-booking route. */
const bookingMarks = async () => {
  const res = await app
    .http()
    .get(`/content-manager/collection-types/${BOOKING}`)
    .query({ pageSize: 100 })
    .set(auth());
  expect(res.status).toBe(200);
  const marks: { documentId: string; valid: boolean }[] = [];
  for (const { documentId } of res.body.results as { documentId: string }[]) {
    const check = await app
      .http()
      .get(`/consent/bookings/${BOOKING}/${documentId}/check`)
      .set(auth());
    expect(check.status).toBe(200);
    marks.push({ documentId, valid: check.body.data.valid });
  }
  return marks;
};

describe('admin layout at 1440x900', () => {
  step('the sub-navigation names the plugin once', async () => {
    await openIn('en', '/admin/plugins/consent');
    const nav = page.getByRole('navigation', { name: 'Consent navigation' });
    await nav.getByRole('link', { name: 'Clients' }).waitFor();
    expect(await nav.getByText('Consent', { exact: true }).count()).toBe(1);
  });

  step('the overview period select fits its longest label in Danish and Swedish', async () => {
    for (const [language, label, longest] of [
      ['da', 'Periode', 'Seneste 365 dage'],
      ['sv', 'Period', 'Senaste 365 dagarna'],
    ] as const) {
      await openIn(language, '/admin/plugins/consent');
      const select = page.getByRole('combobox', { name: label });
      await select.waitFor();
      expect(await clipped(select)).toEqual([]);
      await select.click();
      await page.getByRole('option', { name: longest }).click();
      await select.filter({ hasText: longest }).waitFor();
      expect(await clipped(select)).toEqual([]);
    }
  });

  step('the clients table shows its Actions column without scrolling', async () => {
    for (const [language, actions] of [
      ['en', 'Actions'],
      ['da', 'Handlinger'],
    ] as const) {
      await openIn(language, '/admin/plugins/consent/clients');
      // The design system's header cells have the role gridcell.
      const header = page.locator('thead th').filter({ hasText: new RegExp(`^${actions}$`) });
      await header.waitFor();
      await page.getByTestId('client-row').first().waitFor();
      const table = page.locator('table').first();
      // The design system's table scrolls sideways when it is wider than its frame.
      const overflow = await table.evaluate((el) => {
        const frame = el.parentElement!;
        return frame.scrollWidth - frame.clientWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      const box = (await header.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(1440);
    }
  });

  step(
    "the Content Manager's consent panel: badges and buttons on one line, the status once",
    async () => {
      const client = await someClient();
      for (const [language, purposesLabel, invalid, register, request] of [
        [
          'da',
          'Samtykke pr. formål',
          'Intet gyldigt samtykke',
          'Registrér samtykke',
          'Send anmodning',
        ],
        [
          'sv',
          'Samtycke per ändamål',
          'Inget giltigt samtycke',
          'Registrera samtycke',
          'Skicka förfrågan',
        ],
        [
          'en',
          'Consent per purpose',
          'No valid consent',
          'Register consent in person',
          'Send request',
        ],
      ] as const) {
        await openIn(
          language,
          `/admin/content-manager/collection-types/api::client.client/${client}`
        );
        const panel = page.getByTestId('consent-panel');
        const purposes = panel.getByRole('list', { name: purposesLabel });
        await purposes.waitFor();
        // Each purpose's badge is one line high: as high as the overall status badge.
        const badgeHeights = await purposes.evaluate((ul) =>
          [...ul.children].map((li) =>
            Math.round(li.lastElementChild!.getBoundingClientRect().height)
          )
        );
        const overall = panel.getByTestId('consent-overall');
        expect(await overall.count()).toBe(1);
        const overallHeight = await height(overall.locator(':scope > *').last());
        expect(badgeHeights.length).toBeGreaterThan(1);
        expect(badgeHeights.every((h) => h === overallHeight)).toBe(true);
        // The overall status is the badge alone, not also a "no valid consent" line.
        expect(await panel.getByText(invalid, { exact: true }).count()).toBe(0);
        // The register button is one line high, as the request button.
        const registerButton = panel.getByRole('button', { name: register });
        expect(await height(registerButton)).toBe(
          await height(panel.getByRole('button', { name: request }))
        );
        expect(await clipped(registerButton)).toEqual([]);
      }
    }
  );

  step('the bookings list has a consent column and filter', async () => {
    const marks = await bookingMarks();
    const invalid = marks.filter((m) => !m.valid).length;
    // The demo seeds bookings of clients with and without valid consent.
    expect(invalid).toBeGreaterThan(0);
    expect(invalid).toBeLessThan(marks.length);

    await openIn('en', `/admin/content-manager/collection-types/${BOOKING}?page=1&pageSize=100`);
    await page.getByText(new RegExp(`^${marks.length} entries found$`)).waitFor();
    await page
      .locator('thead th')
      .filter({ hasText: /^Consent$/ })
      .waitFor();
    const cells = page.getByTestId('booking-consent-cell');
    // Each cell fills in when the page's marks have come (one request for the page).
    await page.waitForFunction(
      (count) =>
        document.querySelectorAll('[data-testid="booking-consent-cell"][data-valid]').length ===
        count,
      marks.length
    );
    expect(await cells.count()).toBe(marks.length);
    expect(
      await page.locator('[data-testid="booking-consent-cell"][data-valid="false"]').count()
    ).toBe(invalid);
    expect(
      await page
        .locator('[data-testid="booking-consent-cell"][data-valid="false"]')
        .filter({ hasText: 'Missing when booked' })
        .count()
    ).toBeGreaterThan(0);

    for (const [option, expected] of [
      ['Booked with valid consent', marks.length - invalid],
      ['Booked without valid consent', invalid],
    ] as const) {
      await page.getByRole('combobox', { name: 'Consent filter' }).click();
      await page.getByRole('option', { name: option, exact: true }).click();
      await page.getByText(new RegExp(`^${expected} entries found$`)).waitFor();
    }
    await page.locator('[data-testid="booking-consent-cell"][data-valid]').first().waitFor();
    await screenshot(page, 'bookings-list');
  });
});
