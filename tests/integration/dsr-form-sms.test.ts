import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type TestApp } from '../helpers/app';
import { createClient } from '../helpers/consent';

/**
 * The public form of data-subject requests by mobile number, on a real Strapi whose SMS
 * provider is a real HTTP gateway in this process: the form offers the number, the link
 * goes by SMS, and the confirmed request is matched to the client with that number.
 */
let app: TestApp;
let gateway: http.Server;
const received: { to: string; body: string }[] = [];

beforeAll(async () => {
  gateway = http.createServer((req, res) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => {
      received.push(JSON.parse(data));
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  app = await startApp({
    env: {
      CONSENT_WORKER: 'false',
      CONSENT_SMS_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`,
    },
  });
});
afterAll(async () => {
  await app?.stop();
  gateway?.close();
});

const smsTo = async (to: string) => {
  for (let i = 0; i < 100; i += 1) {
    const sms = received.find((m) => m.to === to);
    if (sms) return sms;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no SMS to ${to}`);
};

test('submit by mobile number -> SMS -> confirm -> registered and matched to the client', async () => {
  const unique = String(Date.now()).slice(-6);
  const phone = `+45 31 ${unique.slice(0, 2)} ${unique.slice(2, 4)} ${unique.slice(4, 6)}`;
  const client = await createClient(app.strapi, { email: null, phone });

  const form = await app.http().get('/api/consent/dsr').query({ lang: 'en' });
  expect(form.text).toContain('name="phone"');

  const res = await app
    .http()
    .post('/api/consent/dsr')
    .type('form')
    .send(new URLSearchParams({ kind: 'access', phone, lang: 'en' }).toString());
  expect(res.status).toBe(303);
  const sms = await smsTo(phone.replace(/\s/g, ''));
  const link = /\/api\/consent\/dsr\/c\/[A-Za-z0-9_-]{43}/.exec(sms.body)?.[0];
  expect(link).toBeDefined();

  const confirmed = await app.http().post(link!).type('form').send('');
  expect(confirmed.status).toBe(201);
  const registered = await app.strapi.db
    .query('plugin::consent.dsr-request')
    .findOne({ where: { contact: phone.replace(/\s/g, '') } });
  expect(registered).toMatchObject({ kind: 'access', channel: 'public_form', client });
});
