import { randomBytes } from 'node:crypto';
import type { TestApp } from '../helpers/app';
import { bodies, createClient, ledgerCounts, publishVersion } from '../helpers/consent';
import { consentPageSuite, UA } from '../helpers/consent-page';
import { clock, createSentRequest, requestRow, seededClient } from '../helpers/requests';

const page = consentPageSuite();
const { esc, get, postForm, formFor, currentTexts, events, statusOf, expectPageHeaders } = page;
// The app of this file, booted by consentPageSuite()'s beforeAll.
let app: TestApp;
beforeAll(() => {
  app = page.app();
});

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
        expect(res.text).toContain(
          `<input type="hidden" name="version-${key}" value="${texts[key].version}">`
        );
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
    const da = await get(
      `/api/consent/r/${(await createSentRequest(app.strapi, { subject: await createClient(app.strapi), locale: 'da' })).token}`
    );
    expect(da.text).toContain('Tekstversion 2.1');
    expect(da.text).toContain('Godkend');
  });

  it('without a request locale, follows Accept-Language, else the default locale', async () => {
    const { token } = await createSentRequest(app.strapi, {
      subject: await createClient(app.strapi),
      locale: null,
    });
    expect((await get(`/api/consent/r/${token}`, 'de-DE,sv;q=0.8,da;q=0.5')).text).toContain(
      '<html lang="sv">'
    );
    expect((await get(`/api/consent/r/${token}`, 'fr')).text).toContain('<html lang="en">');
  });

  it('escapes the organisation and the texts, and keeps the texts’ line breaks', async () => {
    const settings = app.strapi.plugin('consent').service('settings');
    const previous = (await settings.get()).sender;
    await settings.update({ sender: { ...previous, organisation: 'Salon <Zoë> & "Co"' } });
    const published = await publishVersion(app, 'marketing', {
      changeKind: 'editorial',
      bodies: {
        en: {
          title: 'News <b>&</b> offers',
          text: 'First line\nsecond line <script>alert(1)</script>\n\nNew paragraph',
        },
        da: { title: 'Nyheder og tilbud', text: 'Dansk tekst' },
        sv: { title: 'Nyheter och erbjudanden', text: 'Svensk text' },
      },
    });
    expect(published.status).toBe(201);
    try {
      const { token } = await createSentRequest(app.strapi, {
        subject: await createClient(app.strapi),
        locale: 'en',
      });
      const res = await get(`/api/consent/r/${token}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Salon &lt;Zoë&gt; &amp; &quot;Co&quot; asks for your consent');
      expect(res.text).toContain('News &lt;b&gt;&amp;&lt;/b&gt; offers');
      expect(res.text).toContain(
        '<p>First line<br>second line &lt;script&gt;alert(1)&lt;/script&gt;</p><p>New paragraph</p>'
      );
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

    expect(await requestRow(app.strapi, approved.request)).toMatchObject({
      status: 'approved',
      answeredAt: expect.any(String),
    });
    expect(await statusOf(subject)).toMatchObject({
      storage: 'valid',
      marketing: 'valid',
      health: 'valid',
    });
    const recorded = await events(subject);
    expect(recorded.map((e) => [e.purposeKey, e.decision, e.textVersion])).toEqual([
      ['storage', 'given', texts.storage.version],
      ['marketing', 'given', texts.marketing.version],
      ['health', 'given', texts.health.version],
    ]);
    for (const event of recorded) {
      expect(event).toMatchObject({
        channel: 'email_link',
        actorType: 'subject',
        requestId: approved.request,
        userAgent: UA,
        textLocale: 'en',
      });
      expect(event.ip).toMatch(/127\.0\.0\.1|::1/);
    }
    expect(recorded.find((e) => e.purposeKey === 'health')?.explicit).toBe(true);
  });

  it('decline (a request sent by SMS): the request is declined and every purpose refused, through sms_link', async () => {
    const subject = await seededClient(app.strapi, 'da');
    const { token, request } = await createSentRequest(app.strapi, {
      subject,
      locale: 'da',
      channel: 'sms',
    });
    const page = await get(`/api/consent/r/${token}`);
    const res = await postForm(
      `/api/consent/r/${token}`,
      formFor(page.text, { storage: 'refused', marketing: 'refused', health: 'refused' })
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`../m/${token}?confirm=declined`);
    expect((await requestRow(app.strapi, request)).status).toBe('declined');
    expect(await statusOf(subject)).toMatchObject({
      storage: 'refused',
      marketing: 'refused',
      health: 'refused',
    });
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

    const noTick = await postForm(
      `/api/consent/r/${token}`,
      formFor(page.text, { storage: 'given', marketing: 'refused', health: 'given' })
    );
    expect(noTick.status).toBe(400);
    expect(noTick.text).toContain('<a href="#health-explicit">');
    expect(noTick.text).toContain('explicitly consent');
    expect(noTick.text).not.toContain('<a href="#storage-given">');
    // The client's choices are kept.
    expect(noTick.text).toMatch(/id="storage-given" name="decision-storage" value="given" checked/);
    expect(noTick.text).toMatch(
      /id="marketing-refused" name="decision-marketing" value="refused" checked/
    );

    // An answer that leaves purposes out altogether (no answer, no version): answers
    // missing (400), not a changed text (409).
    const full = formFor(page.text, { storage: 'given' });
    const partial = Object.fromEntries(
      Object.entries(full).filter(([name]) => !/-(marketing|health)$/.test(name))
    );
    expect(Object.keys(partial).some((name) => /marketing|health/.test(name))).toBe(false);
    const leftOut = await postForm(`/api/consent/r/${token}`, partial);
    expect(leftOut.status).toBe(400);
    expect(leftOut.text).toContain('<a href="#marketing-given">');
    expect(leftOut.text).toContain('<a href="#health-given">');
    expect(leftOut.text).not.toContain('class="notice" role="status"');

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
    const replay = await postForm(`/api/consent/r/${approved.token}`, {
      'decision-storage': 'refused',
      'version-storage': '2.1',
    });
    expect(replay.status).toBe(404);
    expect(replay.text).toBe(unknown.text);
    expect(await ledgerCounts(app.strapi)).toEqual(before);
    expect((await requestRow(app.strapi, approved.request)).status).toBe('approved');
    expect(await statusOf(approved.subject)).toMatchObject({
      storage: 'valid',
      marketing: 'valid',
    });
  });

  it('a text published substantively after the page was shown: the page again with a notice, nothing recorded; an editorial fix records the version read', async () => {
    const subject = await seededClient(app.strapi, 'sv');
    const { token, request } = await createSentRequest(app.strapi, { subject, locale: 'sv' });
    const page = await get(`/api/consent/r/${token}`);
    const shown = (await currentTexts('sv')).storage.version;

    expect(
      (
        await publishVersion(app, 'storage', {
          changeKind: 'substantive',
          bodies: bodies('v-next'),
        })
      ).status
    ).toBe(201);
    const before = await ledgerCounts(app.strapi);
    const current = (await currentTexts('sv')).storage.version;
    expect(current).not.toBe(shown);
    const stale = await postForm(
      `/api/consent/r/${token}`,
      formFor(page.text, { storage: 'given', marketing: 'refused', health: 'refused' })
    );
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
    expect(
      (
        await publishVersion(app, 'storage', {
          changeKind: 'editorial',
          bodies: bodies('v-next, fixed'),
        })
      ).status
    ).toBe(201);
    const res = await postForm(
      `/api/consent/r/${token}`,
      formFor(stale.text, { storage: 'given', marketing: 'refused', health: 'refused' })
    );
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
    await app.strapi.db
      .connection('consent_requests')
      .where('document_id', used.request)
      .update({ status: 'approved' });
    const shortLived = await createSentRequest(app.strapi, {
      subject: await createClient(app.strapi),
      tokenTtlMs: 60 * 60 * 1000,
    });
    const lapsed = await createSentRequest(app.strapi, {
      subject: await createClient(app.strapi),
      expiresInMs: 60 * 60 * 1000,
    });
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
    pages.push(
      await postForm(
        `/api/consent/u/${shortLived.token}`,
        { 'List-Unsubscribe': 'One-Click' },
        'da'
      )
    );
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
