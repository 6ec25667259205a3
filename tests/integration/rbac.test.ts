import adminRoutes from '../../server/src/routes/admin';
import { login, startApp, type TestApp } from '../helpers/app';
import { auth, createClient } from '../helpers/consent';

let app: TestApp;
let editorToken: string;
let client: string;

beforeAll(async () => {
  app = await startApp();
  client = await createClient(app.strapi);
  // An Editor: a built-in role with Content Manager rights but none of the plugin's actions.
  const editorRole = await app.strapi.db
    .query('admin::role')
    .findOne({ where: { code: 'strapi-editor' } });
  await app.strapi.service('admin::user').create({
    email: 'editor@example.com',
    firstname: 'Ed',
    lastname: 'Itor',
    password: 'Editor-pass-2026',
    isActive: true,
    registrationToken: null,
    roles: [editorRole.id],
  });
  editorToken = await login(app.http(), 'editor@example.com', 'Editor-pass-2026');
});
afterAll(async () => {
  await app?.stop();
});

/**
 * Every admin route the plugin declares, read from its route file, so a route
 * added later is covered without editing this test. Policies run before input
 * validation, so a placeholder body is enough.
 */
const PARAMS: Record<string, string> = {
  ':subject': ':client',
  ':key': 'marketing',
  ':uid': 'api::booking.booking',
  ':documentId': 'abc',
  ':id': 'abc',
};
const ROUTES: [string, string, object | null][] = adminRoutes.routes.map((route) => [
  route.method.toLowerCase(),
  '/consent' + route.path.replace(/:[A-Za-z]+/g, (param) => PARAMS[param] ?? param),
  route.method === 'GET' ? null : {},
]);

const call = (method: string, path: string, body: object | null) => {
  const agent = app.http();
  const req = (agent as unknown as Record<string, (p: string) => import('supertest').Test>)[method](
    path.replace(':client', client)
  );
  return body ? req.send(body) : req;
};

describe('RBAC on every admin route', () => {
  it.each(ROUTES)('%s %s: 401 without a session', async (method, path, body) => {
    const res = await call(method, path, body);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ status: 401 });
  });

  it.each(ROUTES)(
    '%s %s: 403 for an admin without the plugin action',
    async (method, path, body) => {
      const res = await call(method, path, body).set(auth(editorToken));
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ status: 403, name: 'PolicyError' });
    }
  );

  it('writes nothing when refused', async () => {
    const events = await app.strapi.db
      .query('plugin::consent.consent-event')
      .count({ where: { subject: client } });
    expect(events).toBe(0);
    const purpose = await app.strapi.db
      .query('plugin::consent.purpose')
      .findOne({ where: { key: 'marketing' } });
    expect(purpose.name).toBe('E-marketing');
  });

  it('registers the plugin actions so they can be given to a role', async () => {
    const actions = app.strapi
      .service('admin::permission')
      .actionProvider.values()
      .map((a: { actionId: string }) => a.actionId);
    expect(actions).toEqual(
      expect.arrayContaining([
        'plugin::consent.read',
        'plugin::consent.record',
        'plugin::consent.texts.manage',
        'plugin::consent.requests',
        'plugin::consent.settings',
        'plugin::consent.export',
        'plugin::consent.erase',
        'plugin::consent.import',
        'plugin::consent.proof',
      ])
    );
  });

  it('a role given only "read" can read but not record', async () => {
    const token = await app.adminToken();
    const role = await app
      .http()
      .post('/admin/roles')
      .set(auth(token))
      .send({ name: 'Consent reader', description: 'read only' });
    expect(role.status).toBe(201);
    const roleId = role.body.data.id;
    const perms = await app
      .http()
      .put(`/admin/roles/${roleId}/permissions`)
      .set(auth(token))
      .send({
        permissions: [
          { action: 'plugin::consent.read', subject: null, properties: {}, conditions: [] },
        ],
      });
    expect(perms.status).toBe(200);
    await app.strapi.service('admin::user').create({
      email: 'reader@example.com',
      firstname: 'Re',
      lastname: 'Ader',
      password: 'Reader-pass-2026',
      isActive: true,
      registrationToken: null,
      roles: [roleId],
    });
    const readerToken = await login(app.http(), 'reader@example.com', 'Reader-pass-2026');
    expect(
      (await app.http().get(`/consent/subjects/${client}`).set(auth(readerToken))).status
    ).toBe(200);
    expect((await app.http().get('/consent/purposes').set(auth(readerToken))).status).toBe(200);
    const record = await app
      .http()
      .post(`/consent/subjects/${client}/decisions`)
      .set(auth(readerToken))
      .send({ decisions: [{ purpose: 'storage', decision: 'given' }] });
    expect(record.status).toBe(403);
    const ask = await app
      .http()
      .post(`/consent/subjects/${client}/requests`)
      .set(auth(readerToken))
      .send({});
    expect(ask.status).toBe(403);
    expect(
      Number(
        (
          (await app.strapi.db
            .connection('consent_requests')
            .where('subject', client)
            .count({ n: '*' })
            .first()) as { n: number }
        ).n
      )
    ).toBe(0);

    // Data rights have actions of their own: "read" opens none of them.
    const dataRights = adminRoutes.routes.filter((route) => {
      const policy = route.config.policies[1] as { config: { actions: string[] } };
      return [
        'plugin::consent.export',
        'plugin::consent.erase',
        'plugin::consent.import',
        'plugin::consent.proof',
      ].includes(policy.config.actions[0]);
    });
    expect(dataRights.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/audit',
        '/subjects/:subject/erase',
        '/erasures',
        '/retention/preview',
        '/retention/runs',
        '/retention/runs/:id/cancel',
        '/imports',
      ])
    );
    for (const route of dataRights) {
      const path =
        '/consent' + route.path.replace(/:[A-Za-z]+/g, (param) => PARAMS[param] ?? param);
      const res = await call(
        route.method.toLowerCase(),
        path,
        route.method === 'GET' ? null : {}
      ).set(auth(readerToken));
      expect([route.method, route.path, res.status]).toEqual([route.method, route.path, 403]);
    }
    expect(await app.strapi.db.query('plugin::consent.consent-audit').count()).toBe(0);
    expect(await app.strapi.db.query('plugin::consent.consent-erasure').count()).toBe(0);
    expect(await app.strapi.db.query('plugin::consent.retention-run').count()).toBe(0);
  });
});

describe('content API surface', () => {
  it('exposes only the texts publicly: no route reveals clients, events or states', async () => {
    for (const path of [
      '/api/consent/events',
      '/api/consent/states',
      '/api/consent/subjects',
      `/api/consent/subjects/${client}`,
      '/api/consent-events',
    ]) {
      const res = await app.http().get(path);
      expect([path, res.status]).toEqual([path, 404]);
    }
  });
});
