import { startApp, type TestApp } from '../helpers/app';
import { createClient, subjectConsent } from '../helpers/consent';

let app: TestApp;
let jwt: string;
let client: string;

beforeAll(async () => {
  app = await startApp();
  const register = await app
    .http()
    .post('/api/auth/local/register')
    .send({ username: 'anna', email: 'anna@example.com', password: 'Anna-pass-2026' });
  expect(register.status).toBe(200);
  jwt = register.body.jwt;
  client = await createClient(app.strapi, { email: 'anna@example.com' });
  await app.strapi
    .documents('api::client.client')
    .update({ documentId: client, data: { user: register.body.user.id } as never });
});
afterAll(async () => {
  await app?.stop();
});

const me = () => app.http().get('/api/consent/me').set('Authorization', `Bearer ${jwt}`);
const decide = (body: object) =>
  app.http().post('/api/consent/me/decisions').set('Authorization', `Bearer ${jwt}`).send(body);

describe('GET /api/consent/me and POST /api/consent/me/decisions', () => {
  it('is denied without a logged-in user', async () => {
    expect((await app.http().get('/api/consent/me')).status).toBe(403);
    expect(
      (
        await app
          .http()
          .post('/api/consent/me/decisions')
          .send({ decisions: [{ purpose: 'storage', decision: 'withdrawn' }] })
      ).status
    ).toBe(403);
  });

  it('lets the client give, see and withdraw their own consent as easily', async () => {
    const given = await decide({
      locale: 'en',
      decisions: [
        { purpose: 'storage', decision: 'given' },
        { purpose: 'marketing', decision: 'given' },
      ],
    });
    expect(given.status).toBe(201);
    expect(given.body.data).toMatchObject({ valid: true });

    const mine = await me();
    expect(mine.status).toBe(200);
    expect(mine.body.data).toMatchObject({ valid: true, status: 'valid' });
    expect(mine.body.data.subject).toBeUndefined();
    expect(mine.body.data.history).toHaveLength(2);
    expect(mine.body.data.history[0]).toMatchObject({ channel: 'web_form', recordedBy: 'you' });
    expect(Object.keys(mine.body.data.history[0]).sort()).toEqual([
      'channel',
      'decision',
      'locale',
      'occurredAt',
      'purpose',
      'recordedBy',
      'version',
    ]);

    const withdrawn = await decide({
      decisions: [{ purpose: 'marketing', decision: 'withdrawn' }],
    });
    expect(withdrawn.status).toBe(201);
    const marketing = withdrawn.body.data.purposes.find(
      (p: { purpose: string }) => p.purpose === 'marketing'
    );
    expect(marketing.status).toBe('withdrawn');
    expect(await subjectConsent(app, client)).toMatchObject({ valid: true });
  });

  it('never lets a client revoke as staff or fake an expiry, and rejects bad input with nothing written', async () => {
    const before = await app.strapi.db
      .query('plugin::consent.consent-event')
      .count({ where: { subject: client } });
    for (const body of [
      { decisions: [{ purpose: 'storage', decision: 'revoked' }] },
      { decisions: [{ purpose: 'storage', decision: 'expired' }] },
      { decisions: [] },
      { decisions: [{ purpose: 'storage', decision: 'withdrawn' }], subject: 'someone-else' },
      { decisions: [{ purpose: 'health', decision: 'given' }] },
    ]) {
      const res = await decide(body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
    expect(
      await app.strapi.db
        .query('plugin::consent.consent-event')
        .count({ where: { subject: client } })
    ).toBe(before);
  });

  it('answers 404 to a user without a linked client', async () => {
    const other = await app
      .http()
      .post('/api/auth/local/register')
      .send({ username: 'bob', email: 'bob@example.com', password: 'Bob-pass-2026' });
    const res = await app
      .http()
      .get('/api/consent/me')
      .set('Authorization', `Bearer ${other.body.jwt}`);
    expect(res.status).toBe(404);
  });
});
