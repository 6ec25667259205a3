import { startApp, type TestApp } from '../helpers/app';
import { auth } from '../helpers/consent';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

const AUDIT = 'plugin::consent.consent-audit';

describe('the audit trail', () => {
  it('records a verification with the admin who ran it, and lists it newest first, paged and filtered', async () => {
    const token = await app.adminToken();
    expect((await app.http().get('/consent/proof/verify').set(auth(token))).status).toBe(200);
    expect(
      (await app.http().post('/consent/proof/checkpoints').set(auth(token))).status
    ).toBeLessThan(300);
    expect((await app.http().get('/consent/proof/verify').set(auth(token))).status).toBe(200);

    const all = await app.http().get('/consent/audit').set(auth(token));
    expect(all.status).toBe(200);
    const actions = all.body.data.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['proof.verify', 'proof.checkpoint', 'proof.verify']);
    expect(all.body.data.entries[0]).toMatchObject({
      actorType: 'admin',
      actorName: 'Demo Admin',
      outcome: 'ok',
    });
    expect(all.body.data.next).toBeNull();

    const first = await app.http().get('/consent/audit').query({ limit: 1 }).set(auth(token));
    expect(first.body.data.entries).toHaveLength(1);
    const second = await app
      .http()
      .get('/consent/audit')
      .query({ limit: 1, before: first.body.data.next })
      .set(auth(token));
    expect(second.body.data.entries.map((e: { action: string }) => e.action)).toEqual([
      'proof.checkpoint',
    ]);

    const verifies = await app
      .http()
      .get('/consent/audit')
      .query({ action: 'proof.verify' })
      .set(auth(token));
    expect(verifies.body.data.entries).toHaveLength(2);
  });

  it('answers a bad filter with a 400 in Strapi error shape', async () => {
    const token = await app.adminToken();
    for (const query of [
      { action: 'proof.forge' },
      { before: 'abc' },
      { limit: '0' },
      { limit: '5000' },
    ]) {
      const res = await app.http().get('/consent/audit').query(query).set(auth(token));
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.body).toMatchObject({
        data: null,
        error: { status: 400, name: 'ValidationError' },
      });
    }
  });

  it('is append-only: no API updates or deletes an entry', async () => {
    const [entry] = await app.strapi.db.query(AUDIT).findMany({ limit: 1 });
    await expect(
      app.strapi.db.query(AUDIT).update({ where: { id: entry.id }, data: { outcome: 'failed' } })
    ).rejects.toThrow(/append-only/);
    await expect(app.strapi.db.query(AUDIT).delete({ where: { id: entry.id } })).rejects.toThrow(
      /append-only/
    );
    await expect(app.strapi.db.query(AUDIT).deleteMany({ where: {} })).rejects.toThrow(
      /append-only/
    );
    expect(await app.strapi.db.query(AUDIT).findOne({ where: { id: entry.id } })).toMatchObject({
      outcome: 'ok',
    });
  });
});
