import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type TestApp } from '../helpers/app';
import { auth, createClient, recordDecisions } from '../helpers/consent';

/** A real HTTP receiver in the test process, as a host's webhook endpoint would be. */
interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

let app: TestApp;
let receiver: http.Server;
let url: string;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: JSON.parse(raw) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

const waitFor = async (predicate: () => boolean, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out waiting for a webhook delivery');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('Strapi webhooks for consent events', () => {
  it('offers consent.given, refused, withdrawn, expired and erased as webhook events, and refuses unknown ones', async () => {
    const token = await app.adminToken();
    const ok = await app
      .http()
      .post('/admin/webhooks')
      .set(auth(token))
      .send({
        name: 'consent events',
        url,
        headers: {},
        events: [
          'consent.given',
          'consent.refused',
          'consent.withdrawn',
          'consent.expired',
          'consent.erased',
        ],
      });
    expect(ok.status).toBe(201);
    expect(ok.body.data.events).toEqual([
      'consent.given',
      'consent.refused',
      'consent.withdrawn',
      'consent.expired',
      'consent.erased',
    ]);

    const bad = await app
      .http()
      .post('/admin/webhooks')
      .set(auth(token))
      .send({ name: 'bad', url, headers: {}, events: ['consent.revealed'] });
    expect(bad.status).toBe(400);
    const list = await app.http().get('/admin/webhooks').set(auth(token));
    expect(list.body.data.map((w: { name: string }) => w.name)).toEqual(['consent events']);
  });

  it('posts each decision once, with its proof references and without the personal fields of the event', async () => {
    const client = await createClient(app.strapi);
    deliveries.length = 0;
    const res = await recordDecisions(app, client, {
      decisions: [
        { purpose: 'storage', decision: 'given' },
        { purpose: 'marketing', decision: 'refused' },
      ],
      note: 'Told us about her allergy',
    });
    expect(res.status).toBe(201);
    await waitFor(() => deliveries.length >= 2);
    // Nothing more arrives: one delivery per decision.
    await new Promise((r) => setTimeout(r, 300));
    expect(deliveries).toHaveLength(2);

    const given = deliveries.find((d) => d.body.event === 'consent.given');
    const refused = deliveries.find((d) => d.body.event === 'consent.refused');
    expect(given?.headers['x-strapi-event']).toBe('consent.given');
    expect(given?.body).toMatchObject({ subject: client, purpose: 'storage', decision: 'given' });
    expect(refused?.body).toMatchObject({
      subject: client,
      purpose: 'marketing',
      decision: 'refused',
    });
    const entry = given?.body.entry as Record<string, unknown>;
    expect(entry).toMatchObject({
      channel: 'in_person',
      actorType: 'admin',
      actorName: 'Demo Admin',
      textVersion: '2.1',
    });
    expect(entry.textHash).toEqual(expect.stringMatching(/^[0-9a-f]{64}$/));
    for (const field of ['ip', 'userAgent', 'note']) expect(entry).not.toHaveProperty(field);
    expect(JSON.stringify(deliveries)).not.toContain('allergy');

    deliveries.length = 0;
    expect(
      (
        await recordDecisions(app, client, {
          decisions: [{ purpose: 'storage', decision: 'withdrawn' }],
        })
      ).status
    ).toBe(201);
    await waitFor(() => deliveries.length >= 1);
    expect(deliveries[0].body).toMatchObject({
      event: 'consent.withdrawn',
      subject: client,
      purpose: 'storage',
    });
  });

  it('posts an erasure with the erasure record, not the erased data', async () => {
    const email = `erase-hook-${Date.now()}@example.com`;
    const client = await createClient(app.strapi, {
      email,
      name: 'Hook Person',
      phone: '+4512345678',
    });
    await recordDecisions(app, client, { decisions: [{ purpose: 'storage', decision: 'given' }] });
    await waitFor(() => deliveries.some((d) => d.body.subject === client));
    deliveries.length = 0;

    const res = await app
      .http()
      .post(`/consent/subjects/${client}/erase`)
      .set(auth(await app.adminToken()))
      .send({ reason: 'Art. 17 request' });
    expect(res.status).toBe(201);
    await waitFor(() => deliveries.length >= 1);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].headers['x-strapi-event']).toBe('consent.erased');
    expect(deliveries[0].body).toMatchObject({ event: 'consent.erased', subject: client });
    expect(deliveries[0].body.erasure).toEqual(expect.objectContaining({ subject: client }));
    const raw = JSON.stringify(deliveries[0].body);
    for (const personal of [email, 'Hook Person', '12345678']) expect(raw).not.toContain(personal);
  });
});
