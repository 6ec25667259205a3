import { startApp, type TestApp } from '../helpers/app';
import { ledgerCounts, subjectConsent, subjectsByConsent } from '../helpers/consent';

let app: TestApp | null = null;
afterAll(async () => {
  await app?.stop();
});

describe('the demo app', () => {
  it('seeds purposes, texts in three locales, 50 clients, bookings and consents in several states, once', async () => {
    app = await startApp();
    const counts = await ledgerCounts(app.strapi);
    expect(counts.purposes).toBe(4);
    expect(await app.strapi.db.query('api::client.client').count({})).toBe(50);
    expect(await app.strapi.db.query('api::booking.booking').count({})).toBeGreaterThan(10);

    const clients = await app.strapi.db
      .query('api::client.client')
      .findMany({ orderBy: { id: 'asc' } });
    const statuses = new Map<string, number>();
    for (const client of clients) {
      const { status } = await subjectConsent(app, client.documentId);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({
      valid: 22,
      outdated: 10,
      refused: 5,
      withdrawn: 2,
      revoked: 1,
      expired: 2,
      missing: 8,
    });
    expect((await subjectsByConsent(app, 'valid')).length).toBe(22);
    expect((await subjectsByConsent(app, 'invalid')).length).toBe(28);

    await app.stop();
    // A restart is a new process: fresh modules (Strapi merges extra input params into route objects in place).
    jest.resetModules();
    const { startApp: restart } = require('../helpers/app') as typeof import('../helpers/app');
    app = await restart({ keepDatabase: true });
    expect(await ledgerCounts(app.strapi)).toEqual(counts);
    expect(await app.strapi.db.query('api::client.client').count({})).toBe(50);
    expect(await app.strapi.db.query('admin::user').count({})).toBe(1);
  });

  it('lets the public role create bookings and read texts, and nothing of the clients', async () => {
    const role = await app!.strapi.db
      .query('plugin::users-permissions.role')
      .findOne({ where: { type: 'public' }, populate: ['permissions'] });
    const actions = role.permissions.map((p: { action: string }) => p.action);
    expect(actions).toContain('api::booking.booking.create');
    expect(actions.filter((a: string) => a.startsWith('api::client.'))).toEqual([]);
    expect((await app!.http().get('/api/clients')).status).toBe(403);
    expect((await app!.http().get('/api/consent/texts')).status).toBe(200);
  });

  it('logs the demo admin in with the documented credentials', async () => {
    expect(await app!.adminToken()).toMatch(/\S+/);
  });
});
