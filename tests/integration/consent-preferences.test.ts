import { randomBytes } from 'node:crypto';
import type { TestApp } from '../helpers/app';
import { createClient, ledgerCounts } from '../helpers/consent';
import { consentPageSuite, RATE_LIMIT, WINDOW_MS, UA } from '../helpers/consent-page';
import { clock, createSentRequest } from '../helpers/requests';

const page = consentPageSuite();
/** The form of a Withdraw button (a Give form starts with `action=give`). */
const withdrawForm = (purpose: string) =>
  `<form method="post" accept-charset="utf-8"><input type="hidden" name="purpose" value="${purpose}">`;
/** The form of a Give button. */
const giveForm = (purpose: string) =>
  `<input type="hidden" name="action" value="give"><input type="hidden" name="purpose" value="${purpose}">`;
const { get, postForm, formFor, events, statusOf, expectPageHeaders } = page;
// The app of this file, booted by consentPageSuite()'s beforeAll.
let app: TestApp;
beforeAll(() => {
  app = page.app();
});

describe('the preference page', () => {
  it('shows each consent purpose’s state and withdraws a given consent with one click', async () => {
    const subject = await createClient(app.strapi, { language: 'en' });
    const { token, request } = await createSentRequest(app.strapi, { subject, locale: 'en' });
    const open = await get(`/api/consent/m/${token}`);
    expect(open.status).toBe(200);
    expectPageHeaders(open);
    expect(open.text).toContain(`href="../r/${token}"`); // not answered yet
    expect(open.text).not.toContain('Withdraw consent');

    const page = await get(`/api/consent/r/${token}`);
    await postForm(
      `/api/consent/r/${token}`,
      formFor(page.text, { storage: 'given', marketing: 'given', health: 'refused' })
    );
    const manage = await get(`/api/consent/m/${token}`);
    expect(manage.text).toContain(withdrawForm('storage'));
    expect(manage.text).toContain(withdrawForm('marketing'));
    expect(manage.text).not.toContain(withdrawForm('health'));
    expect(manage.text).not.toContain(withdrawForm('service'));
    expect(manage.text).not.toContain('value="service"');
    expect(manage.text).toContain('You declined.');

    const res = await postForm(`/api/consent/m/${token}`, { purpose: 'marketing' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`../m/${token}?withdrawn=marketing`);
    const confirmed = await get(`/api/consent/m/${token}?withdrawn=marketing`);
    expect(confirmed.text).toContain('Your consent to “News');
    expect(confirmed.text).toContain('has been withdrawn');
    expect(confirmed.text).not.toContain(withdrawForm('marketing'));
    expect(await statusOf(subject)).toMatchObject({ storage: 'valid', marketing: 'withdrawn' });
    const withdrawal = (await events(subject)).at(-1);
    expect(withdrawal).toMatchObject({
      purposeKey: 'marketing',
      decision: 'withdrawn',
      channel: 'email_link',
      actorType: 'subject',
      requestId: request,
      userAgent: UA,
    });

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

describe('opting in on the preference page', () => {
  it('gives consent to what the client had not given: the version shown, the explicit tick for a special category, nothing on a stale text', async () => {
    const subject = await createClient(app.strapi, { language: 'en' });
    const { token, request } = await createSentRequest(app.strapi, { subject, locale: 'en' });
    const form = await get(`/api/consent/r/${token}`);
    await postForm(
      `/api/consent/r/${token}`,
      formFor(form.text, { storage: 'given', marketing: 'refused', health: 'refused' })
    );
    const manage = await get(`/api/consent/m/${token}`);
    expect(manage.status).toBe(200);
    // Give where it is not given (with the text open to read), Withdraw where it is.
    expect(manage.text).not.toContain(giveForm('storage'));
    expect(manage.text).toContain(giveForm('marketing'));
    expect(manage.text).toContain(giveForm('health'));
    expect(manage.text).toContain('<details open>');
    expect(manage.text).toContain('name="explicit" value="yes"');
    const versionOf = (html: string, purpose: string) =>
      html.match(
        new RegExp(`${giveForm(purpose)}<input type="hidden" name="version" value="([^"]+)">`)
      )?.[1] as string;
    const marketingVersion = versionOf(manage.text, 'marketing');
    expect(marketingVersion).toMatch(/^\d+\.\d+$/);

    const before = await ledgerCounts(app.strapi);
    // A version from before a substantive change: the page again with a notice, nothing written.
    const stale = await postForm(`/api/consent/m/${token}`, {
      action: 'give',
      purpose: 'marketing',
      version: '0.1',
    });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('has changed since you opened this page');
    // A special category without the explicit tick: 400, nothing written.
    const noTick = await postForm(`/api/consent/m/${token}`, {
      action: 'give',
      purpose: 'health',
      version: versionOf(manage.text, 'health'),
    });
    expect(noTick.status).toBe(400);
    expect(noTick.text).toContain('explicit consent');
    const unknown = await postForm(`/api/consent/m/${token}`, {
      action: 'give',
      purpose: 'nope',
      version: '1.0',
    });
    expect(unknown.status).toBe(400);
    expect(await ledgerCounts(app.strapi)).toEqual(before);

    const given = await postForm(`/api/consent/m/${token}`, {
      action: 'give',
      purpose: 'marketing',
      version: marketingVersion,
    });
    expect(given.status).toBe(303);
    expect(given.headers.location).toBe(`../m/${token}?given=marketing`);
    const confirmed = await get(`/api/consent/m/${token}?given=marketing`);
    expect(confirmed.text).toContain('Your consent to “News');
    expect(confirmed.text).toContain('has been saved');
    expect(confirmed.text).toContain(withdrawForm('marketing'));
    expect(await statusOf(subject)).toMatchObject({ marketing: 'valid', health: 'refused' });
    expect((await events(subject)).at(-1)).toMatchObject({
      purposeKey: 'marketing',
      decision: 'given',
      textVersion: marketingVersion,
      channel: 'email_link',
      actorType: 'subject',
      requestId: request,
      userAgent: UA,
    });

    const ticked = await postForm(`/api/consent/m/${token}`, {
      action: 'give',
      purpose: 'health',
      version: versionOf(manage.text, 'health'),
      explicit: 'yes',
    });
    expect(ticked.status).toBe(303);
    expect((await events(subject)).at(-1)).toMatchObject({
      purposeKey: 'health',
      decision: 'given',
      explicit: true,
    });

    // A second click changes nothing.
    const after = await ledgerCounts(app.strapi);
    const twice = await postForm(`/api/consent/m/${token}`, {
      action: 'give',
      purpose: 'marketing',
      version: marketingVersion,
    });
    expect(twice.status).toBe(303);
    expect(twice.headers.location).toBe(`../m/${token}`);
    expect(await ledgerCounts(app.strapi)).toEqual(after);
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
    const { token, request } = await createSentRequest(app.strapi, {
      subject,
      kind: 'information',
      locale: 'da',
    });
    const before = await ledgerCounts(app.strapi);
    const confirm = await get(`/api/consent/u/${token}`);
    expect(confirm.status).toBe(200);
    expectPageHeaders(confirm);
    expect(confirm.text).toContain(
      '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
    );
    expect(confirm.text).toContain('Nyheder og tilbud');
    expect(await ledgerCounts(app.strapi)).toEqual(before);
    expect(await statusOf(subject)).toMatchObject({ marketing: 'valid' });

    const incomplete = await postForm(`/api/consent/u/${token}`, {});
    expect(incomplete.status).toBe(400);
    expect(await ledgerCounts(app.strapi)).toEqual(before);

    // As a mail provider sends it: no browser, no language.
    const res = await app
      .http()
      .post(`/api/consent/u/${token}`)
      .type('form')
      .send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Du er afmeldt');
    const states = await statusOf(subject);
    expect(states.marketing).toBe('withdrawn');
    expect(states.storage).not.toBe('withdrawn');
    expect((await events(subject)).at(-1)).toMatchObject({
      purposeKey: 'marketing',
      decision: 'withdrawn',
      channel: 'email_link',
      requestId: request,
    });
    const after = await ledgerCounts(app.strapi);
    expect(after.events).toBe(before.events + 1);

    // Again: already out, nothing more to record.
    expect(
      (
        await app
          .http()
          .post(`/api/consent/u/${token}`)
          .type('form')
          .send('List-Unsubscribe=One-Click')
      ).status
    ).toBe(200);
    expect(await ledgerCounts(app.strapi)).toEqual(after);
  });

  it('accepts multipart/form-data, and refuses marketing for a client who never decided', async () => {
    const subject = await createClient(app.strapi);
    const { token } = await createSentRequest(app.strapi, { subject, channel: 'sms' });
    const res = await app
      .http()
      .post(`/api/consent/u/${token}`)
      .field('List-Unsubscribe', 'One-Click');
    expect(res.status).toBe(200);
    expect(await statusOf(subject)).toMatchObject({ marketing: 'refused', storage: 'missing' });
    expect((await events(subject)).map((e) => [e.purposeKey, e.decision, e.channel])).toEqual([
      ['marketing', 'refused', 'sms_link'],
    ]);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once an address goes over the limit, until the window ends', async () => {
    const { token } = await createSentRequest(app.strapi, {
      subject: await createClient(app.strapi),
    });
    for (let i = 0; i < RATE_LIMIT; i += 1) {
      expect((await get(`/api/consent/r/${randomBytes(32).toString('base64url')}`)).status).toBe(
        404
      );
    }
    const limited = await get(`/api/consent/r/${token}`, 'sv');
    expect(limited.status).toBe(429);
    expectPageHeaders(limited);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(limited.text).toContain('<html lang="sv">');
    expect(limited.text).toContain('Vänta en stund');
    expect(
      (await postForm(`/api/consent/u/${token}`, { 'List-Unsubscribe': 'One-Click' })).status
    ).toBe(429);

    clock(app.strapi).advance(WINDOW_MS);
    expect((await get(`/api/consent/r/${token}`)).status).toBe(200);
  });
});
