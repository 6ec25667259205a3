/**
 * The demo booking page (playground/public/booking.html) with the plugin's
 * front-end helper (/api/consent/consent-form.js), in a real browser (Debian's
 * Chromium through playwright-core) against the built demo app on this worker's
 * fresh database: booking with consent, a text published while the page was open
 * (409: the new text is shown and asked again), a missing explicit tick (nothing
 * sent), the Danish page, a server's 400 and the rate-limit message. One app, one browser; the
 * tests run in order (the stale-version test publishes a new storage version).
 */
import type { Page } from 'playwright-core';
import { DEMO_ADMIN } from '../helpers/app';
import { findClientByEmail, startAdminApp, type AdminApp } from '../helpers/admin-app';
import { launchBrowser, saveFailure, type TestBrowser } from '../helpers/browser';

let app: AdminApp;
let browser: TestBrowser;
let token: string;
/** The page of the running test, saved when it fails. */
let current: Page | null = null;
/** Errors the page logged (a CSP refusal, an exception): none is expected. */
let pageErrors: string[] = [];

beforeAll(async () => {
  app = await startAdminApp();
  browser = await launchBrowser();
  token = await app.token(DEMO_ADMIN.email, DEMO_ADMIN.password);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const step = (name: string, fn: () => Promise<void>) =>
  it(name, async () => {
    pageErrors = [];
    try {
      await fn();
      expect(pageErrors).toEqual([]);
    } catch (error) {
      if (current)
        (error as Error).message +=
          `\n(page saved: ${await saveFailure(current, `booking-page ${name}`)})`;
      throw error;
    } finally {
      current = null;
    }
  });

const auth = () => ({ Authorization: `Bearer ${token}` });

/** The booking page in a fresh browser context (its own storage), errors collected. */
const openPage = async (query: string, locale?: string): Promise<Page> => {
  const page = locale
    ? await (
        await browser.browser.newContext({
          baseURL: app.url,
          locale,
          viewport: { width: 1280, height: 900 },
        })
      ).newPage()
    : await browser.newPage(app.url);
  current = page;
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer (409, 429) as a failed load; those answers are what the tests check.
    if (
      message.type() === 'error' &&
      !message.text().startsWith('Failed to load resource: the server responded with a status of 4')
    ) {
      pageErrors.push(message.text());
    }
  });
  await page.goto(`/booking.html${query}`);
  // The consent boxes are drawn once the texts arrived.
  await page.locator('fieldset.consent-form').waitFor();
  return page;
};

/** POSTs of bookings the page sends (to prove that a refused submit sends nothing). */
const countBookingPosts = (page: Page) => {
  const posts: string[] = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/bookings')
      posts.push(req.url());
  });
  return posts;
};

let counter = 0;
const fillDetails = async (
  page: Page,
  labels: { name: string; email: string; when: string; service: string }
) => {
  counter += 1;
  const email = `page.booker.${counter}.${Date.now()}@example.com`;
  await page.getByLabel(labels.name, { exact: true }).fill(`Page Booker ${counter}`);
  await page.getByLabel(labels.email, { exact: true }).fill(email);
  await page.getByLabel(labels.when, { exact: true }).fill('2027-01-15T10:30');
  await page.getByLabel(labels.service, { exact: true }).selectOption('Colour');
  return email;
};
const EN = { name: 'Name', email: 'Email', when: 'Date and time', service: 'Treatment' };
const DA = { name: 'Navn', email: 'E-mail', when: 'Dato og tid', service: 'Behandling' };

/** A purpose's group in the consent boxes (its legend starts with the text's title). */
const purpose = (page: Page, title: string) =>
  page.getByRole('group', { name: new RegExp(`^${title}`) });

interface EventRow {
  purposeKey: string;
  decision: string;
  channel: string;
  textVersion: string | null;
  textLocale: string | null;
  explicit: boolean;
}

/** The client the page created (Content Manager API) and its consent events (plugin admin API), from the database. */
const clientAndEvents = async (email: string) => {
  const client = await findClientByEmail(app, token, email);
  if (!client) return { client: null, events: [] as EventRow[] };
  const res = await app
    .http()
    .get(`/consent/subjects/${client.documentId}/events`)
    .query({ pageSize: 100 })
    .set(auth());
  expect(res.status).toBe(200);
  return { client, events: res.body.data as EventRow[] };
};

const currentVersions = async (locale: string): Promise<Record<string, string>> => {
  const res = await app.http().get('/api/consent/texts').query({ locale });
  expect(res.status).toBe(200);
  return Object.fromEntries(
    res.body.data.map((t: { purpose: string; version: string }) => [t.purpose, t.version])
  );
};

describe('the demo booking page with the consent helper', () => {
  step(
    'the app serves the page and the helper (public, JavaScript, cached with an ETag)',
    async () => {
      const page = await app.http().get('/booking.html');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      const helper = await app.http().get('/api/consent/consent-form.js');
      expect(helper.status).toBe(200);
      expect(helper.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(helper.headers['cache-control']).toContain('public');
      expect(helper.text).toContain('export const createConsentForm');
      const again = await app
        .http()
        .get('/api/consent/consent-form.js')
        .set('If-None-Match', helper.headers.etag);
      expect(again.status).toBe(304);
    }
  );

  step(
    'book with consent: the client and one event per purpose are stored, with the versions shown',
    async () => {
      const versions = await currentVersions('en');
      const page = await openPage('?lang=en');
      await page.getByRole('heading', { name: 'Book an appointment', level: 1 }).waitFor();
      const email = await fillDetails(page, EN);
      // Contract-based purposes are shown for information, without a box to tick.
      await page.getByRole('heading', { name: 'For your information' }).waitFor();
      expect(await page.getByRole('checkbox').count()).toBe(4); // storage, marketing, health + health's explicit tick

      await purpose(page, 'Storage of personal data')
        .getByRole('checkbox', { name: 'I consent', exact: true })
        .check();
      const health = purpose(page, 'Health information');
      await health.getByRole('checkbox', { name: 'I consent', exact: true }).check();
      await health.getByRole('checkbox', { name: /explicitly consent/ }).check();
      await page.getByRole('button', { name: 'Book', exact: true }).click();
      await page.getByText('Booking received. Thank you!').waitFor();

      const { client, events } = await clientAndEvents(email);
      expect(client).toMatchObject({ email });
      const byPurpose = Object.fromEntries(events.map((e) => [e.purposeKey, e]));
      expect(Object.keys(byPurpose).sort()).toEqual(['health', 'marketing', 'storage']);
      expect(byPurpose.storage).toMatchObject({
        decision: 'given',
        channel: 'booking_page',
        textVersion: versions.storage,
        textLocale: 'en',
      });
      expect(byPurpose.health).toMatchObject({
        decision: 'given',
        explicit: true,
        textVersion: versions.health,
      });
      expect(byPurpose.marketing).toMatchObject({
        decision: 'refused',
        textVersion: versions.marketing,
      });
    }
  );

  step(
    'a special-category purpose ticked without its explicit tick: a clear message, nothing sent or stored',
    async () => {
      const page = await openPage('?lang=en');
      const posts = countBookingPosts(page);
      const email = await fillDetails(page, EN);
      await purpose(page, 'Storage of personal data')
        .getByRole('checkbox', { name: 'I consent', exact: true })
        .check();
      const health = purpose(page, 'Health information');
      await health.getByRole('checkbox', { name: 'I consent', exact: true }).check();
      await page.getByRole('button', { name: 'Book', exact: true }).click();

      const message =
        '"Health information" needs your explicit consent: tick the second box as well, or untick the first one.';
      await health.getByText(message).waitFor();
      await expect(
        page.getByRole('alert').filter({ hasText: message }).count()
      ).resolves.toBeGreaterThan(0);
      // The explicit box is focused and described by the message, for screen readers too.
      const explicit = health.getByRole('checkbox', { name: /explicitly consent/ });
      await expect(explicit.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await expect(explicit.getAttribute('aria-invalid')).resolves.not.toBeNull();
      expect(posts).toEqual([]);
      expect((await clientAndEvents(email)).client).toBeNull();
    }
  );

  step(
    'a text published after the page loaded: 409, the page shows the new text and asks again; the second submit books',
    async () => {
      const page = await openPage('?lang=en');
      const posts = countBookingPosts(page);
      const email = await fillDetails(page, EN);
      const storage = purpose(page, 'Storage of personal data');
      await storage.getByRole('checkbox', { name: 'I consent', exact: true }).check();
      await purpose(page, 'News and offers')
        .getByRole('checkbox', { name: 'I consent', exact: true })
        .check();
      const shownVersion = await storage.getAttribute('data-version');

      // An editor publishes a substantive change of the storage text meanwhile.
      const newText =
        'I consent to the salon keeping my client card, including photos of results I approve, between visits.';
      const published = await app
        .http()
        .post('/consent/purposes/storage/versions')
        .set(auth())
        .send({
          changeKind: 'substantive',
          bodies: {
            en: { title: 'Storage of personal data', text: newText },
            da: {
              title: 'Opbevaring af personoplysninger',
              text: 'Jeg giver samtykke til, at salonen opbevarer mit kundekort, også billeder af resultater, som jeg godkender.',
            },
            sv: {
              title: 'Lagring av personuppgifter',
              text: 'Jag samtycker till att salongen sparar mitt kundkort, även bilder på resultat som jag godkänner.',
            },
          },
        });
      expect(published.status).toBe(201);
      const versions = await currentVersions('en');
      expect(versions.storage).not.toBe(shownVersion);

      await page.getByRole('button', { name: 'Book', exact: true }).click();
      await page
        .getByText(
          'A consent text changed while you were booking. Please read the new text and choose again.'
        )
        .waitFor();
      expect(posts).toHaveLength(1);
      // The new text, marked as changed and not ticked; the unchanged purpose keeps its tick.
      await storage.getByText(newText).waitFor();
      await storage
        .getByText(
          'This text has changed since you opened the page. Please read it and choose again.'
        )
        .waitFor();
      await expect(storage.getAttribute('data-version')).resolves.toBe(versions.storage);
      const storageBox = storage.getByRole('checkbox', { name: 'I consent', exact: true });
      await expect(storageBox.isChecked()).resolves.toBe(false);
      await expect(
        purpose(page, 'News and offers')
          .getByRole('checkbox', { name: 'I consent', exact: true })
          .isChecked()
      ).resolves.toBe(true);
      expect((await clientAndEvents(email)).client).toBeNull();

      await storageBox.check();
      await page.getByRole('button', { name: 'Book', exact: true }).click();
      await page.getByText('Booking received. Thank you!').waitFor();
      const { events } = await clientAndEvents(email);
      const byPurpose = Object.fromEntries(events.map((e) => [e.purposeKey, e]));
      expect(byPurpose.storage).toMatchObject({ decision: 'given', textVersion: versions.storage });
      expect(byPurpose.marketing).toMatchObject({
        decision: 'given',
        textVersion: versions.marketing,
      });
      expect(byPurpose.health).toMatchObject({ decision: 'refused' });
    }
  );

  step(
    'in Danish: the browser language picks it, the UI strings and the texts are Danish, the booking is recorded in da',
    async () => {
      const versions = await currentVersions('da');
      const page = await openPage('', 'da-DK');
      await page.getByRole('heading', { name: 'Book en tid', level: 1 }).waitFor();
      await page.getByRole('group', { name: 'Dit samtykke' }).waitFor();
      const storage = purpose(page, 'Opbevaring af personoplysninger');
      await storage.getByText('Påkrævet').waitFor();
      await storage
        .getByText(
          'Jeg giver samtykke til, at salonen opbevarer mit kundekort, også billeder af resultater, som jeg godkender.'
        )
        .waitFor();
      await page.getByRole('heading', { name: 'Til orientering' }).waitFor();
      await purpose(page, 'Salg og service')
        .count()
        .then((n) => expect(n).toBe(0)); // information only: no group, no box
      await page.getByText('Vi bruger dit navn, dine kontaktoplysninger').waitFor();

      const email = await fillDetails(page, DA);
      // A required purpose left unticked: a Danish message, nothing sent.
      const posts = countBookingPosts(page);
      await page.getByRole('button', { name: 'Book', exact: true }).click();
      await storage
        .getByText('"Opbevaring af personoplysninger" er påkrævet for at booke', { exact: false })
        .waitFor();
      expect(posts).toEqual([]);

      await storage.getByRole('checkbox', { name: 'Jeg giver samtykke', exact: true }).check();
      await page.getByRole('button', { name: 'Book', exact: true }).click();
      await page.getByText('Booking modtaget. Tak!').waitFor();
      const { events } = await clientAndEvents(email);
      expect(events.find((e) => e.purposeKey === 'storage')).toMatchObject({
        decision: 'given',
        textLocale: 'da',
        textVersion: versions.storage,
      });

      // The language switch redraws the page and the boxes in Swedish.
      await page.getByRole('button', { name: 'Svenska' }).click();
      await page.getByRole('heading', { name: 'Boka en tid', level: 1 }).waitFor();
      await purpose(page, 'Lagring av personuppgifter')
        .getByRole('checkbox', { name: 'Jag samtycker', exact: true })
        .waitFor();
      expect(new URL(page.url()).searchParams.get('lang')).toBe('sv');
    }
  );

  step(
    'a 400 from the server (an editor deactivated a purpose the page showed): its message is shown, nothing stored',
    async () => {
      const page = await openPage('?lang=en');
      const email = await fillDetails(page, EN);
      await purpose(page, 'Storage of personal data')
        .getByRole('checkbox', { name: 'I consent', exact: true })
        .check();
      await purpose(page, 'News and offers')
        .getByRole('checkbox', { name: 'I consent', exact: true })
        .check();
      const deactivated = await app
        .http()
        .put('/consent/purposes/marketing')
        .set(auth())
        .send({ active: false });
      expect(deactivated.status).toBe(200);
      try {
        const answer = page.waitForResponse(
          (res) => new URL(res.url()).pathname === '/api/bookings'
        );
        await page.getByRole('button', { name: 'Book', exact: true }).click();
        const body = await (await answer).json();
        expect(body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
        const alert = page.getByRole('alert').filter({ hasText: 'The booking was not accepted:' });
        await alert.getByText(body.error.message, { exact: true }).waitFor();
        expect((await clientAndEvents(email)).client).toBeNull();
      } finally {
        expect(
          (await app.http().put('/consent/purposes/marketing').set(auth()).send({ active: true }))
            .status
        ).toBe(200);
      }
    }
  );

  step('a 429 from the server: the page asks to wait and retry', async () => {
    const page = await openPage('?lang=en');
    // The answer of the plugin's rate limit (Strapi's error shape, Retry-After), given at the network layer.
    await page.route('**/api/bookings', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'Content-Type': 'application/json', 'Retry-After': '42' },
        body: JSON.stringify({
          data: null,
          error: {
            status: 429,
            name: 'RateLimitError',
            message: 'Too many requests, try again later',
            details: {},
          },
        }),
      })
    );
    await fillDetails(page, EN);
    await purpose(page, 'Storage of personal data')
      .getByRole('checkbox', { name: 'I consent', exact: true })
      .check();
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await page
      .getByText('Too many attempts. Please wait a moment and try again. Try again in 42 seconds.')
      .waitFor();
  });
});
