import { startApp, type TestApp } from '../helpers/app';
import { auth, createClient, recordDecisions } from '../helpers/consent';

/**
 * The consent filter of the Content Manager's own list of clients
 * (`consent=valid|invalid` beside its usual query, set by the list view's filter):
 * the same clients as the plugin's list, for the page and for the CM's count.
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
  const bookings = await app
    .http()
    .get('/content-manager/collection-types/api::booking.booking')
    .query({ consent: 'valid' })
    .set(auth(token));
  expect(bookings.status).toBe(200);
});
