/**
 * The consent page tests' shared setup: one app per test file with the background
 * worker off and a low rate limit, a fresh rate-limit window per test, and what a
 * browser does on the pages (GET, form POSTs, reading the form's fields), with the
 * checks every page must pass.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { startApp, type TestApp } from './app';
import { subjectConsent } from './consent';
import { clock } from './requests';

export const RATE_LIMIT = 20;
export const WINDOW_MS = 60_000;
export const UA = 'Mozilla/5.0 (consent-page test)';

/** Call at the top of a test file; the returned helpers use its app once beforeAll has booted it. */
export const consentPageSuite = () => {
  let app: TestApp;
  beforeAll(async () => {
    // No background worker: these tests move the clock, and the expiry job would follow it.
    app = await startApp({
      env: { CONSENT_WORKER: 'false', CONSENT_RATE_LIMIT_MAX: String(RATE_LIMIT) },
    });
  });
  // Every test starts in a fresh rate-limit window (fixed windows on the plugin clock).
  beforeEach(() => clock(app.strapi).advance(WINDOW_MS));
  afterAll(async () => {
    if (app) clock(app.strapi).reset();
    await app?.stop();
  });

  const esc = (s: string) =>
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;');

  const get = (path: string, language?: string) => {
    const req = app.http().get(path).set('User-Agent', UA);
    return language ? req.set('Accept-Language', language) : req;
  };
  const postForm = (path: string, form: Record<string, string>, language?: string) => {
    const req = app.http().post(path).set('User-Agent', UA).type('form').send(form);
    return language ? req.set('Accept-Language', language) : req;
  };

  /** What a browser sends for the request form: its hidden fields, plus the radios and boxes the client picks. */
  const formFor = (
    html: string,
    picks: Record<string, 'given' | 'refused'>,
    ticks: string[] = []
  ): Record<string, string> => {
    const fields: Record<string, string> = {};
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
      fields[m[1]] = m[2];
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
    return Object.fromEntries(
      res.body.data.map((t: { purpose: string }) => [t.purpose, t])
    ) as Record<string, { title: string; text: string; version: string; locale: string }>;
  };

  const events = (subject: string) =>
    app.strapi.db
      .query('plugin::consent.consent-event')
      .findMany({ where: { subject }, orderBy: { id: 'asc' } }) as Promise<
      {
        purposeKey: string;
        decision: string;
        channel: string;
        ip: string | null;
        userAgent: string | null;
        requestId: string | null;
        textVersion: string | null;
        textLocale: string | null;
        actorType: string;
        explicit: boolean;
      }[]
    >;

  const statusOf = async (subject: string) =>
    Object.fromEntries(
      (await subjectConsent(app, subject)).purposes.map((p) => [p.purpose, p.status])
    );

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
    expect(csp).toContain(
      `style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`
    );
  };

  return {
    app: () => app,
    esc,
    get,
    postForm,
    formFor,
    currentTexts,
    events,
    statusOf,
    expectPageHeaders,
  };
};
