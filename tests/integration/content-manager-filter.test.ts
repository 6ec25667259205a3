import { startApp, type TestApp } from '../helpers/app';
import { auth, createClient, recordDecisions } from '../helpers/consent';

/**
 * The consent filter of the Content Manager's own list of clients
 * (`consent=valid|invalid` beside its usual query, set by the list view's filter):
 * the same clients as the plugin's list, for the page and for the CM's count. On a
 * booking type the same filter means the booking's mark (made with valid consent or
 * without), and the list's consent column reads the marks of a page in one call.
 */
let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startApp({ env: { CONSENT_WORKER: 'false' } });
  token = await app.adminToken();
});
afterAll(async () => {
  await app?.stop();
});

const CM = '/content-manager/collection-types/api::client.client';
const cmList = (query: Record<string, unknown>) =>
  app
    .http()
    .get(CM)
    .query({ page: 1, pageSize: 100, ...query })
    .set(auth(token));

/** Every document id of a plugin list state, following the cursor. */
const pluginIds = async (state: 'valid' | 'invalid'): Promise<string[]> => {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const res = await app
      .http()
      .get('/consent/clients')
      .query({ state, limit: 200, ...(cursor ? { cursor } : {}) })
      .set(auth(token));
    expect(res.status).toBe(200);
    ids.push(...res.body.data.map((c: { documentId: string }) => c.documentId));
    cursor = res.body.meta.next ?? undefined;
  } while (cursor);
  return ids.sort();
};

/** Every document id the CM list gives for a filter, with its own total. */
const cmIds = async (consent: 'valid' | 'invalid'): Promise<{ ids: string[]; total: number }> => {
  const ids: string[] = [];
  let total = 0;
  for (let page = 1; page < 100; page += 1) {
    const res = await cmList({ consent, page });
    expect(res.status).toBe(200);
    ids.push(...res.body.results.map((c: { documentId: string }) => c.documentId));
    total = res.body.pagination.total;
    if (page >= res.body.pagination.pageCount) break;
  }
  return { ids: ids.sort(), total };
};

it('narrows the list and its count to the clients with / without valid consent', async () => {
  const fresh = await createClient(app.strapi, { name: 'CM filter, given in person' });
  expect(
    (await recordDecisions(app, fresh, { decisions: [{ purpose: 'storage', decision: 'given' }] }))
      .status
  ).toBe(201);
  const fresh2 = await createClient(app.strapi, { name: 'CM filter, nothing yet' });

  const all = (await cmList({})).body.pagination.total as number;
  const valid = await cmIds('valid');
  const invalid = await cmIds('invalid');
  expect(valid.ids).toEqual(await pluginIds('valid'));
  expect(invalid.ids).toEqual(await pluginIds('invalid'));
  expect(valid.total).toBe(valid.ids.length);
  expect(invalid.total).toBe(invalid.ids.length);
  expect(valid.total + invalid.total).toBe(all);
  expect(valid.ids).toContain(fresh);
  expect(invalid.ids).toContain(fresh2);
  expect(valid.total).toBeGreaterThan(0);
  expect(invalid.total).toBeGreaterThan(0);
});

it('refuses an unknown value with a 400 and leaves other types alone', async () => {
  const bad = await cmList({ consent: 'maybe' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.name).toBe('ValidationError');
  const users = '/content-manager/collection-types/plugin::users-permissions.user';
  const all = await app.http().get(users).set(auth(token));
  const filtered = await app.http().get(users).query({ consent: 'valid' }).set(auth(token));
  expect(filtered.status).toBe(200);
  expect(filtered.body.pagination.total).toBe(all.body.pagination.total);
});

const BOOKINGS = '/content-manager/collection-types/api::booking.booking';

/** Every booking document id the CM list gives (optionally filtered), with its own total. */
const bookingIds = async (consent?: 'valid' | 'invalid') => {
  const res = await app
    .http()
    .get(BOOKINGS)
    .query({ page: 1, pageSize: 100, ...(consent ? { consent } : {}) })
    .set(auth(token));
  expect(res.status).toBe(200);
  expect(res.body.pagination.pageCount).toBeLessThanOrEqual(1);
  return {
    ids: res.body.results.map((b: { documentId: string }) => b.documentId).sort() as string[],
    total: res.body.pagination.total as number,
  };
};

it("filters bookings on their mark, and gives a page's marks in one call", async () => {
  const given = await createClient(app.strapi, { name: 'CM booking filter, given' });
  expect(
    (await recordDecisions(app, given, { decisions: [{ purpose: 'storage', decision: 'given' }] }))
      .status
  ).toBe(201);
  const none = await createClient(app.strapi, { name: 'CM booking filter, nothing' });
  const book = (client: string) =>
    app.strapi.documents('api::booking.booking').create({
      data: { client, service: 'Haircut', startsAt: '2026-12-15T10:00:00.000Z' },
    });
  const withConsent = (await book(given)).documentId;
  const without = (await book(none)).documentId;

  // The batch answer is the single-booking answer, booking by booking.
  const all = await bookingIds();
  expect(all.ids).toEqual(expect.arrayContaining([withConsent, without]));
  const checks = await app
    .http()
    .get('/consent/bookings/api::booking.booking/checks')
    .query({ documentIds: all.ids.join(',') })
    .set(auth(token));
  expect(checks.status).toBe(200);
  expect(Object.keys(checks.body.data).sort()).toEqual(all.ids);
  for (const id of all.ids) {
    const one = await app
      .http()
      .get(`/consent/bookings/api::booking.booking/${id}/check`)
      .set(auth(token));
    expect(checks.body.data[id].valid).toBe(one.body.data.valid);
  }
  expect(checks.body.data[withConsent].valid).toBe(true);
  expect(checks.body.data[without]).toMatchObject({
    valid: false,
    missing: expect.arrayContaining([expect.objectContaining({ purpose: 'storage' })]),
  });

  // The list filter: the same split as the marks, for the page and the count.
  const valid = await bookingIds('valid');
  const invalid = await bookingIds('invalid');
  expect(valid.ids).toEqual(all.ids.filter((id) => checks.body.data[id].valid));
  expect(invalid.ids).toEqual(all.ids.filter((id) => !checks.body.data[id].valid));
  expect(valid.total).toBe(valid.ids.length);
  expect(invalid.total + valid.total).toBe(all.total);
  expect(valid.ids).toContain(withConsent);
  expect(invalid.ids).toContain(without);

  // Only the configured booking types have marks; the ids are required.
  const notAType = await app
    .http()
    .get('/consent/bookings/api::client.client/checks')
    .query({ documentIds: without })
    .set(auth(token));
  expect(notAType.status).toBe(404);
  const noIds = await app
    .http()
    .get('/consent/bookings/api::booking.booking/checks')
    .set(auth(token));
  expect(noIds.status).toBe(400);
});
