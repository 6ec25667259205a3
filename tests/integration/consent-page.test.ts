import { createHash, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { startApp, type TestApp } from '../helpers/app';
import { bodies, createClient, ledgerCounts, publishVersion, subjectConsent } from '../helpers/consent';
import { clock, createSentRequest, requestRow, seededClient } from '../helpers/requests';

const RATE_LIMIT = 20;
const WINDOW_MS = 60_000;
const UA = 'Mozilla/5.0 (consent-page test)';

let app: TestApp;
beforeAll(async () => {
  // No background worker: these tests move the clock, and the expiry job would follow it.
  app = await startApp({ env: { CONSENT_WORKER: 'false', CONSENT_RATE_LIMIT_MAX: String(RATE_LIMIT) } });
});
// Every test starts in a fresh rate-limit window (fixed windows on the plugin clock).
beforeEach(() => clock(app.strapi).advance(WINDOW_MS));
afterAll(async () => {
  clock(app.strapi).reset();
  await app?.stop();
});

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const get = (path: string, language?: string) => {
  const req = app.http().get(path).set('User-Agent', UA);
  return language ? req.set('Accept-Language', language) : req;
};
const postForm = (path: string, form: Record<string, string>, language?: string) => {
  const req = app.http().post(path).set('User-Agent', UA).type('form').send(form);
  return language ? req.set('Accept-Language', language) : req;
};

/** What a browser sends for the request form: its hidden fields, plus the radios and boxes the client picks. */
const formFor = (html: string, picks: Record<string, 'given' | 'refused'>, ticks: string[] = []): Record<string, string> => {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]] = m[2];
  for (const [key, value] of Object.entries(picks)) {
    expect(html).toContain(`name="decision-${key}" value="${value}"`);
    fields[`decision-${key}`] = value;
  }
  for (const key of ticks) {
    expect(html).toContain(`name="explicit-${key}" value="yes"`);
    fields[`explicit-${key}`] = 'yes';
  }
  return fields;
};

const currentTexts = async (locale: string) => {
  const res = await app.http().get('/api/consent/texts').query({ locale });
  return Object.fromEntries(res.body.data.map((t: { purpose: string }) => [t.purpose, t])) as Record<
    string,
    { title: string; text: string; version: string; locale: string }
  >;
};

const events = (subject: string) =>
  app.strapi.db.query('plugin::consent.consent-event').findMany({ where: { subject }, orderBy: { id: 'asc' } }) as Promise<
    { purposeKey: string; decision: string; channel: string; ip: string | null; userAgent: string | null; requestId: string | null; textVersion: string | null; textLocale: string | null; actorType: string; explicit: boolean }[]
  >;

const statusOf = async (subject: string) =>
  Object.fromEntries((await subjectConsent(app, subject)).purposes.map((p) => [p.purpose, p.status]));

/** Security headers every consent page carries, and a stylesheet the CSP actually allows. */
const expectPageHeaders = (res: Response) => {
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-robots-tag']).toContain('noindex');
  const csp = res.headers['content-security-policy'] as string;
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  const style = /<style>([\s\S]*?)<\/style>/.exec(res.text)?.[1] ?? '';
  expect(style.length).toBeGreaterThan(100);
  expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
};

describe('the request page', () => {
  it('shows the request in the client’s language, with each text, its version, the legal basis and nothing preselected', async () => {
    for (const language of ['da', 'sv', 'en'] as const) {
      const subject = await seededClient(app.strapi, language);
      const { token } = await createSentRequest(app.strapi, { subject, locale: language });
      const before = await ledgerCounts(app.strapi);
      const res = await get(`/api/consent/r/${token}`, 'en');
      expect(res.status).toBe(200);
      expectPageHeaders(res);
      expect(res.text).toContain(`<html lang="${language}">`);
      const texts = await currentTexts(language);
      for (const key of ['storage', 'marketing', 'health', 'service']) {
        expect(texts[key].locale).toBe(language);
        expect(res.text).toContain(esc(texts[key].title));
        expect(res.text).toContain(esc(texts[key].text));
      }
      for (const key of ['storage', 'marketing', 'health']) {
        expect(res.text).toContain(`<input type="hidden" name="version-${key}" value="${texts[key].version}">`);
        expect(res.text).toContain(`id="${key}-given" name="decision-${key}" value="given"`);
        expect(res.text).toContain(`id="${key}-refused" name="decision-${key}" value="refused"`);
      }
      // Contract-based: shown for information, nothing to decide.
      expect(res.text).not.toContain('name="decision-service"');
      expect(res.text).toContain('id="health-explicit" name="explicit-health"');
      expect(res.text).not.toContain('name="explicit-storage"');
      expect(res.text).not.toContain('checked');
      expect(res.text).toMatch(/<label for="storage-given">[^<]+<\/label>/);
      expect(await ledgerCounts(app.strapi)).toEqual(before);
    }
    const da = await get(`/api/consent/r/${(await createSentRequest(app.strapi, { subject: await createClient(app.strapi), locale: 'da' })).token}`);
    expect(da.text).toContain('Tekstversion 2.1');
    expect(da.text).toContain('Godkend');
  });

  it('without a request locale, follows Accept-Language, else the default locale', async () => {
    const { token } = await createSentRequest(app.strapi, { subject: await createClient(app.strapi), locale: null });
    expect((await get(`/api/consent/r/${token}`, 'de-DE,sv;q=0.8,da;q=0.5')).text).toContain('<html lang="sv">');
    expect((await get(`/api/consent/r/${token}`, 'fr')).text).toContain('<html lang="en">');
  });

  it('escapes the organisation and the texts, and keeps the texts’ line breaks', async () => {
    const settings = app.strapi.plugin('consent').service('settings');
    const previous = (await settings.get()).sender;
    await settings.update({ sender: { ...previous, organisation: 'Salon <Zoë> & "Co"' } });
    const published = await publishVersion(app, 'marketing', {
      changeKind: 'editorial',
      bodies: {
        en: { title: 'News <b>&</b> offers', text: 'First line\nsecond line <script>alert(1)</script>\n\nNew paragraph' },
        da: { title: 'Nyheder og tilbud', text: 'Dansk tekst' },
        sv: { title: 'Nyheter och erbjudanden', text: 'Svensk text' },
      },
    });
    expect(published.status).toBe(201);
    try {
      const { token } = await createSentRequest(app.strapi, { subject: await createClient(app.strapi), locale: 'en' });
      const res = await get(`/api/consent/r/${token}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Salon &lt;Zoë&gt; &amp; &quot;Co&quot; asks for your consent');
      expect(res.text).toContain('News &lt;b&gt;&amp;&lt;/b&gt; offers');
      expect(res.text).toContain('<p>First line<br>second line &lt;script&gt;alert(1)&lt;/script&gt;</p><p>New paragraph</p>');
      expect(res.text).not.toContain('<script>');
    } finally {
      await settings.update({ sender: previous });
    }
  });
});

describe('answering', () => {
  let approved: { token: string; subject: string; request: string };

  it('approve: 303 to the preference page; the consent is valid and the proof names the link, browser and text version', async () => {
    const subject = await seededClient(app.strapi, 'en');
    approved = await createSentRequest(app.strapi, { subject, locale: 'en' });
    const page = await get(`/api/consent/r/${approved.token}`);
    const texts = await currentTexts('en');
    const res = await postForm(
      `/api/consent/r/${approved.token}`,
      formFor(page.text, { storage: 'given', marketing: 'given', health: 'given' }, ['health'])
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`../m/${approved.token}?confirm=approved`);
    expect(res.headers['cache-control']).toBe('no-store');

    const confirmation = await get(`/api/consent/m/${approved.token}?confirm=approved`);
    expect(confirmation.status).toBe(200);
    expect(confirmation.text).toContain('Your answer has been saved');

    expect(await requestRow(app.strapi, approved.request)).toMatchObject({ status: 'approved', answeredAt: expect.any(String) });
    expect(await statusOf(subject)).toMatchObject({ storage: 'valid', marketing: 'valid', health: 'valid' });
    const recorded = await events(subject);
    expect(recorded.map((e) => [e.purposeKey, e.decision, e.textVersion])).toEqual([
      ['storage', 'given', texts.storage.version],
      ['marketing', 'given', texts.marketing.version],
      ['health', 'given', texts.health.version],
    ]);
    for (const event of recorded) {
      expect(event).toMatchObject({ channel: 'email_link', actorType: 'subject', requestId: approved.request, userAgent: UA, textLocale: 'en' });
      expect(event.ip).toMatch(/127\.0\.0\.1|::1/);
    }
    expect(recorded.find((e) => e.purposeKey === 'health')?.explicit).toBe(true);
  });

  it('decline (a request sent by SMS): the request is declined and every purpose refused, through sms_link', async () => {
    const subject = await seededClient(app.strapi, 'da');
    const { token, request } = await createSentRequest(app.strapi, { subject, locale: 'da', channel: 'sms' });
    const page = await get(`/api/consent/r/${token}`);
    const res = await postForm(`/api/consent/r/${token}`, formFor(page.text, { storage: 'refused', marketing: 'refused', health: 'refused' }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`../m/${token}?confirm=declined`);
    expect((await requestRow(app.strapi, request)).status).toBe('declined');
    expect(await statusOf(subject)).toMatchObject({ storage: 'refused', marketing: 'refused', health: 'refused' });
    expect((await events(subject)).map((e) => [e.decision, e.channel, e.textLocale])).toEqual([
      ['refused', 'sms_link', 'da'],
      ['refused', 'sms_link', 'da'],
      ['refused', 'sms_link', 'da'],
    ]);
    const after = await get(`/api/consent/m/${token}?confirm=declined`);
    expect(after.text).toContain('du har afvist');
  });

  it('a missing answer or a missing explicit tick: 400, the form again with linked error messages, nothing written', async () => {
    const subject = await createClient(app.strapi);
    const { token, request } = await createSentRequest(app.strapi, { subject, locale: 'en' });
    const page = await get(`/api/consent/r/${token}`);
    const before = await ledgerCounts(app.strapi);

    const empty = await postForm(`/api/consent/r/${token}`, formFor(page.text, {}));
    expect(empty.status).toBe(400);
    expectPageHeaders(empty);
    expect(empty.text).toContain('<title>Error: ');
    expect(empty.text).toContain('class="error-summary" role="alert"');
    for (const key of ['storage', 'marketing', 'health']) {
      expect(empty.text).toContain(`<a href="#${key}-given">`);
      expect(empty.text).toContain(`id="${key}-error"`);
      expect(empty.text).toContain(`aria-describedby="${key}-error"`);
    }

    const noTick = await postForm(`/api/consent/r/${token}`, formFor(page.text, { storage: 'given', marketing: 'refused', health: 'given' }));
    expect(noTick.status).toBe(400);
    expect(noTick.text).toContain('<a href="#health-explicit">');
    expect(noTick.text).toContain('explicitly consent');
    expect(noTick.text).not.toContain('<a href="#storage-given">');
    // The client's choices are kept.
    expect(noTick.text).toMatch(/id="storage-given" name="decision-storage" value="given" checked/);
    expect(noTick.text).toMatch(/id="marketing-refused" name="decision-marketing" value="refused" checked/);

    expect(await ledgerCounts(app.strapi)).toEqual(before);
    expect((await requestRow(app.strapi, request)).status).toBe('sent');
    expect(await events(subject)).toEqual([]);
  });

  it('a used link opens the neutral page and a second answer changes nothing', async () => {
    const before = await ledgerCounts(app.strapi);
    const unknown = await get(`/api/consent/r/${randomBytes(32).toString('base64url')}`);
    const again = await get(`/api/consent/r/${approved.token}`);
    expect(again.status).toBe(404);
    expect(again.text).toBe(unknown.text);
    const replay = await postForm(`/api/consent/r/${approved.token}`, { 'decision-storage': 'refused', 'version-storage': '2.1' });
    expect(replay.status).toBe(404);
    expect(replay.text).toBe(unknown.text);
    expect(await ledgerCounts(app.strapi)).toEqual(before);
    expect((await requestRow(app.strapi, approved.request)).status).toBe('approved');
    expect(await statusOf(approved.subject)).toMatchObject({ storage: 'valid', marketing: 'valid' });
  });

  it('a text published substantively after the page was shown: the page again with a notice, nothing recorded; an editorial fix records the version read', async () => {
    const subject = await seededClient(app.strapi, 'sv');
    const { token, request } = await createSentRequest(app.strapi, { subject, locale: 'sv' });
    const page = await get(`/api/consent/r/${token}`);
    const shown = (await currentTexts('sv')).storage.version;

    expect((await publishVersion(app, 'storage', { changeKind: 'substantive', bodies: bodies('v-next') })).status).toBe(201);
    const before = await ledgerCounts(app.strapi);
    const current = (await currentTexts('sv')).storage.version;
    expect(current).not.toBe(shown);
    const stale = await postForm(`/api/consent/r/${token}`, formFor(page.text, { storage: 'given', marketing: 'refused', health: 'refused' }));
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('class="notice" role="status"');
    expect(stale.text).toContain('Svensk text v-next');
    expect(stale.text).toContain(`<input type="hidden" name="version-storage" value="${current}">`);
    // The changed purpose must be chosen again; the others keep their answer.
    expect(stale.text).not.toMatch(/id="storage-given"[^>]*checked/);
    expect(stale.text).toMatch(/id="marketing-refused"[^>]*checked/);
    expect(await ledgerCounts(app.strapi)).toEqual(before);
    expect((await requestRow(app.strapi, request)).status).toBe('sent');

    // An editorial fix in between is no reason to ask again: the answer is about the version read.
    expect((await publishVersion(app, 'storage', { changeKind: 'editorial', bodies: bodies('v-next, fixed') })).status).toBe(201);
    const res = await postForm(`/api/consent/r/${token}`, formFor(stale.text, { storage: 'given', marketing: 'refused', health: 'refused' }));
    expect(res.status).toBe(303);
    const storage = (await events(subject)).find((e) => e.purposeKey === 'storage');
    expect(storage).toMatchObject({ decision: 'given', textVersion: current });
    expect((await currentTexts('sv')).storage.version).not.toBe(current);
    expect(await statusOf(subject)).toMatchObject({ storage: 'valid' });
  });
});

describe('links that cannot be used', () => {
  it('malformed, unknown, expired and answered links get one byte-identical neutral page', async () => {
    const used = await createSentRequest(app.strapi, { subject: await createClient(app.strapi) });
    await app.strapi.db.connection('consent_requests').where('document_id', used.request).update({ status: 'approved' });
    const shortLived = await createSentRequest(app.strapi, { subject: await createClient(app.strapi), tokenTtlMs: 60 * 60 * 1000 });
    const lapsed = await createSentRequest(app.strapi, { subject: await createClient(app.strapi), expiresInMs: 60 * 60 * 1000 });
    const before = await ledgerCounts(app.strapi);
    clock(app.strapi).advance(2 * 60 * 60 * 1000);

    const paths = [
      '/api/consent/r/abc',
      `/api/consent/r/${'!'.repeat(43)}`,
      `/api/consent/r/${randomBytes(32).toString('base64url')}`,
      `/api/consent/r/${shortLived.token}`,
      `/api/consent/r/${lapsed.token}`,
      `/api/consent/r/${used.token}`,
      `/api/consent/m/${shortLived.token}`,
      `/api/consent/u/${randomBytes(32).toString('base64url')}`,
    ];
    const pages = [];
    for (const path of paths) pages.push(await get(path, 'da'));
    pages.push(await postForm(`/api/consent/r/${shortLived.token}`, {}, 'da'));
    pages.push(await postForm(`/api/consent/u/${shortLived.token}`, { 'List-Unsubscribe': 'One-Click' }, 'da'));
    for (const res of pages) {
      expect(res.status).toBe(404);
      expectPageHeaders(res);
      expect(res.text).toBe(pages[0].text);
    }
    expect(pages[0].text).toContain('<html lang="da">');
    expect(pages[0].text).toContain('Linket kan ikke bruges');
    expect(await ledgerCounts(app.strapi)).toEqual(before);

    // A lapsed request's link still opens the preference page (the token lives longer than the request).
    const manage = await get(`/api/consent/m/${lapsed.token}`);
    expect(manage.status).toBe(200);
    expect(manage.text).not.toContain(`../r/${lapsed.token}`);
  });
});

describe('the preference page', () => {
  it('shows each consent purpose’s state and withdraws a given consent with one click', async () => {
    const subject = await createClient(app.strapi, { language: 'en' });
    const { token, request } = await createSentRequest(app.strapi, { subject, locale: 'en' });
    const open = await get(`/api/consent/m/${token}`);
    expect(open.status).toBe(200);
    expectPageHeaders(open);
    expect(open.text).toContain(`href="../r/${token}"`); // not answered yet
    expect(open.text).not.toContain('name="purpose"');

    const page = await get(`/api/consent/r/${token}`);
    await postForm(`/api/consent/r/${token}`, formFor(page.text, { storage: 'given', marketing: 'given', health: 'refused' }));
    const manage = await get(`/api/consent/m/${token}`);
    expect(manage.text).toContain('<input type="hidden" name="purpose" value="storage">');
    expect(manage.text).toContain('<input type="hidden" name="purpose" value="marketing">');
    expect(manage.text).not.toContain('<input type="hidden" name="purpose" value="health">');
    expect(manage.text).not.toContain('<input type="hidden" name="purpose" value="service">');
    expect(manage.text).toContain('You declined.');

    const res = await postForm(`/api/consent/m/${token}`, { purpose: 'marketing' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`../m/${token}?withdrawn=marketing`);
    const confirmed = await get(`/api/consent/m/${token}?withdrawn=marketing`);
    expect(confirmed.text).toContain('Your consent to “News');
    expect(confirmed.text).toContain('has been withdrawn');
    expect(confirmed.text).not.toContain('<input type="hidden" name="purpose" value="marketing">');
    expect(await statusOf(subject)).toMatchObject({ storage: 'valid', marketing: 'withdrawn' });
    const withdrawal = (await events(subject)).at(-1);
    expect(withdrawal).toMatchObject({ purposeKey: 'marketing', decision: 'withdrawn', channel: 'email_link', actorType: 'subject', requestId: request, userAgent: UA });

    // A second click, an unknown purpose, a query that is not a purpose: nothing written, nothing echoed.
    const before = await ledgerCounts(app.strapi);
    const twice = await postForm(`/api/consent/m/${token}`, { purpose: 'marketing' });
    expect(twice.status).toBe(303);
    expect(twice.headers.location).toBe(`../m/${token}`);
    const unknown = await postForm(`/api/consent/m/${token}`, { purpose: '<script>' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('could not be found');
    expect(unknown.text).not.toContain('<script>');
    const echo = await get(`/api/consent/m/${token}?withdrawn=%3Cscript%3E&confirm=%3Cb%3E`);
    expect(echo.status).toBe(200);
    expect(echo.text).not.toContain('role="status"');
    expect(await ledgerCounts(app.strapi)).toEqual(before);
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  const marketingGiven = async (): Promise<string> => {
    const row = await app.strapi.db
      .connection('consent_states')
      .where({ purpose_key: 'marketing', decision: 'given' })
      .orderBy('id')
      .first('subject');
    return row.subject;
  };

  it('GET shows a confirm page and changes nothing; POST List-Unsubscribe=One-Click withdraws marketing', async () => {
    const subject = await marketingGiven();
    const { token, request } = await createSentRequest(app.strapi, { subject, kind: 'information', locale: 'da' });
    const before = await ledgerCounts(app.strapi);
    const confirm = await get(`/api/consent/u/${token}`);
    expect(confirm.status).toBe(200);
    expectPageHeaders(confirm);
    expect(confirm.text).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(confirm.text).toContain('Nyheder og tilbud');
    expect(await ledgerCounts(app.strapi)).toEqual(before);
    expect(await statusOf(subject)).toMatchObject({ marketing: 'valid' });

    const incomplete = await postForm(`/api/consent/u/${token}`, {});
    expect(incomplete.status).toBe(400);
    expect(await ledgerCounts(app.strapi)).toEqual(before);

    // As a mail provider sends it: no browser, no language.
    const res = await app.http().post(`/api/consent/u/${token}`).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Du er afmeldt');
    const states = await statusOf(subject);
    expect(states.marketing).toBe('withdrawn');
    expect(states.storage).not.toBe('withdrawn');
    expect((await events(subject)).at(-1)).toMatchObject({ purposeKey: 'marketing', decision: 'withdrawn', channel: 'email_link', requestId: request });
    const after = await ledgerCounts(app.strapi);
    expect(after.events).toBe(before.events + 1);

    // Again: already out, nothing more to record.
    expect((await app.http().post(`/api/consent/u/${token}`).type('form').send('List-Unsubscribe=One-Click')).status).toBe(200);
    expect(await ledgerCounts(app.strapi)).toEqual(after);
  });

  it('accepts multipart/form-data, and refuses marketing for a client who never decided', async () => {
    const subject = await createClient(app.strapi);
    const { token } = await createSentRequest(app.strapi, { subject, channel: 'sms' });
    const res = await app.http().post(`/api/consent/u/${token}`).field('List-Unsubscribe', 'One-Click');
    expect(res.status).toBe(200);
    expect(await statusOf(subject)).toMatchObject({ marketing: 'refused', storage: 'missing' });
    expect((await events(subject)).map((e) => [e.purposeKey, e.decision, e.channel])).toEqual([['marketing', 'refused', 'sms_link']]);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once an address goes over the limit, until the window ends', async () => {
    const { token } = await createSentRequest(app.strapi, { subject: await createClient(app.strapi) });
    for (let i = 0; i < RATE_LIMIT; i += 1) {
      expect((await get(`/api/consent/r/${randomBytes(32).toString('base64url')}`)).status).toBe(404);
    }
    const limited = await get(`/api/consent/r/${token}`, 'sv');
    expect(limited.status).toBe(429);
    expectPageHeaders(limited);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(limited.text).toContain('<html lang="sv">');
    expect(limited.text).toContain('Vänta en stund');
    expect((await postForm(`/api/consent/u/${token}`, { 'List-Unsubscribe': 'One-Click' })).status).toBe(429);

    clock(app.strapi).advance(WINDOW_MS);
    expect((await get(`/api/consent/r/${token}`)).status).toBe(200);
  });
});
