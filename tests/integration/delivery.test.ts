import net from 'node:net';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailerProvider from '@strapi/provider-email-nodemailer';
import { noDelaySocket } from '../../playground/src/smtp-socket';
import { defaultTemplateSet } from '../../server/src/messages/default-templates';
import { renderMessage } from '../../server/src/messages/render';
import { createSmsSender, type SmsProviderError } from '../../server/src/messages/sms';
import type { MessageInput } from '../../server/src/messages/types';
import { getService } from '../../server/src/utils/get-service';
import { startApp, type TestApp } from '../helpers/app';
import { auth } from '../helpers/consent';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/** A local SMS gateway: records what it is sent and answers with `status` after `delayMs`. */
const startSmsGateway = async () => {
  const received: {
    method: string;
    url: string;
    headers: http.IncomingHttpHeaders;
    body: unknown;
  }[] = [];
  const state = { status: 200, delayMs: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(body || 'null'),
      });
      setTimeout(() => {
        res.writeHead(state.status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            state.status < 300 ? { id: received.length } : { error: 'gateway says no' }
          )
        );
      }, state.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/messages`,
    received,
    state,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

const SMS_TIMEOUT_MS = 500;
let app: TestApp;
let smtp: TestSmtp;
let gateway: Awaited<ReturnType<typeof startSmsGateway>>;

beforeAll(async () => {
  smtp = await startSmtp();
  gateway = await startSmsGateway();
  app = await startApp({
    env: {
      ...smtp.env,
      CONSENT_SMS_URL: gateway.url,
      CONSENT_SMS_AUTH: 'Bearer sms-secret',
      CONSENT_SMS_FROM: 'Nordlys',
      CONSENT_SMS_TIMEOUT_MS: String(SMS_TIMEOUT_MS),
      // Nothing but this test sends here.
      CONSENT_WORKER: 'false',
    },
  });
});

afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
  await gateway?.stop();
});

const delivery = () => getService(app.strapi, 'delivery');
const settings = () => getService(app.strapi, 'settings');

const LINKS = {
  respond: 'https://salon.example/api/consent/r/respond-token',
  manage: 'https://salon.example/api/consent/m/manage-token',
  unsubscribe: 'https://salon.example/api/consent/u/unsubscribe-token',
};

const message = (over: Partial<MessageInput> = {}) =>
  renderMessage(defaultTemplateSet(over.locale ?? 'da'), {
    kind: 'request',
    locale: 'da',
    name: '<script>alert("hi")</script>',
    organisation: 'Salon Nordlys',
    purposes: [
      { key: 'storage', name: 'Storage', title: 'Salg & service', marketing: false },
      { key: 'marketing', name: 'Marketing', title: 'Nyhedsbreve', marketing: true },
    ],
    links: LINKS,
    expiresAt: new Date(Date.UTC(2026, 11, 8, 12)),
    ...over,
  });

describe('email through Strapi’s email feature', () => {
  it('arrives with a text and an HTML part, escaped values and one-click unsubscribe', async () => {
    const rendered = message();
    await delivery().send('email', 'maja@example.com', rendered, {
      messageId: '<req-1.send.1@salon.example>',
    });
    const mail = await smtp.waitFor((m) => m.to.includes('maja@example.com'));

    expect(mail.subject).toBe('Salon Nordlys beder om dit samtykke');
    expect(mail.text.trim()).toBe(rendered.text);
    expect(mail.text).toContain('- Salg & service\n- Nyhedsbreve');
    expect(mail.text).toContain('Hej <script>alert("hi")</script>,');
    expect(mail.html).toContain('<html lang="da">');
    expect(mail.html).toContain('Hej &lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;,');
    expect(mail.html).not.toContain('<script');
    expect(mail.html).toContain(`<a href="${LINKS.respond}"`);
    expect(mail.headers['list-unsubscribe']).toBe(`<${LINKS.unsubscribe}>`);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(mail.messageId).toBe('<req-1.send.1@salon.example>');
    // No sender in Settings: the email plugin's defaults (playground/config/plugins.ts).
    expect(mail.from).toBe('"Demo Salon" <no-reply@example.com>');
    expect(mail.replyTo).toBe('"Demo Salon" <desk@example.com>');
  });

  it('has no unsubscribe headers when no marketing purpose is concerned', async () => {
    await delivery().send(
      'email',
      'service-only@example.com',
      message({ purposes: [{ key: 's', name: 'S', title: 'Service', marketing: false }] })
    );
    const mail = await smtp.waitFor((m) => m.to.includes('service-only@example.com'));
    expect(mail.headers['list-unsubscribe']).toBeUndefined();
    expect(mail.headers['list-unsubscribe-post']).toBeUndefined();
  });

  it('sends from the sender set in Settings', async () => {
    await settings().update({
      sender: {
        from: 'Salon Nordlys <hej@salon.example>',
        replyTo: 'booking@salon.example',
        organisation: 'Salon Nordlys',
      },
    });
    try {
      await delivery().send('email', 'from-settings@example.com', message());
      const mail = await smtp.waitFor((m) => m.to.includes('from-settings@example.com'));
      expect(mail.from).toBe('"Salon Nordlys" <hej@salon.example>');
      expect(mail.envelope.from).toBe('hej@salon.example');
      expect(mail.replyTo).toBe('booking@salon.example');
    } finally {
      await settings().update({
        sender: { from: null, replyTo: null, organisation: 'Our business' },
      });
    }
  });

  it('sends a test mail of the request template in the chosen language, with the seeded purposes', async () => {
    await settings().update({
      sender: { from: null, replyTo: null, organisation: 'Frisør Nordlys' },
    });
    await delivery().testMail('admin@example.com', 'sv');
    const mail = await smtp.waitFor((m) => m.to.includes('admin@example.com'));
    expect(mail.subject).toBe('[Test] Frisør Nordlys ber om ditt samtycke');
    expect(mail.html).toContain('<html lang="sv">');
    expect(mail.html).toContain('>Läs och svara</a>');
    expect(mail.text).toMatch(/^- \S.+$/m);
    expect(mail.text).not.toMatch(/\{\{/);
  });

  it('sends the test mail from the admin API (Settings page button)', async () => {
    const res = await app
      .http()
      .post('/consent/settings/test-email')
      .set(auth(await app.adminToken()))
      .send({ to: 'editor@example.com', locale: 'da' });
    expect(res.status).toBe(200);
    const mail = await smtp.waitFor((m) => m.to.includes('editor@example.com'));
    expect(mail.subject).toMatch(/^\[Test\] .+ beder om dit samtykke$/);
  });

  it('refuses a test mail to a bad address or in a locale the app does not offer', async () => {
    await expect(delivery().testMail('not an address')).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(delivery().testMail('admin@example.com', 'fi')).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('en, da, sv'),
    });
  });

  it('lets a refusal of the mail server reach the caller, and sends again once it recovers', async () => {
    smtp.fail({ stage: 'rcpt', code: 451, message: 'Try again later' });
    await expect(delivery().send('email', 'refused@example.com', message())).rejects.toThrow(/451/);
    smtp.fail(null);
    await delivery().send('email', 'refused@example.com', message());
    await smtp.waitFor((m) => m.to.includes('refused@example.com'));
    expect(smtp.messages.filter((m) => m.to.includes('refused@example.com'))).toHaveLength(1);
  });
});

describe('SMS through the HTTP provider', () => {
  beforeEach(() => {
    gateway.received.length = 0;
    gateway.state.status = 200;
    gateway.state.delayMs = 0;
  });

  it('posts the SMS text as JSON with the configured Authorization header', async () => {
    expect(delivery().canSms()).toBe(true);
    const rendered = message();
    await delivery().send('sms', '+4512345678', rendered);
    expect(gateway.received).toHaveLength(1);
    const [request] = gateway.received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/messages');
    expect(request.headers.authorization).toBe('Bearer sms-secret');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({ to: '+4512345678', from: 'Nordlys', body: rendered.sms });
    expect(rendered.sms).toBe(
      `Salon Nordlys beder om dit samtykke. Læs og svar her: ${LINKS.respond}`
    );
  });

  it.each([400, 401, 429, 503])('throws on a %i answer, with the status', async (status) => {
    gateway.state.status = status;
    const error = await delivery()
      .send('sms', '+4512345678', message())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(String(status));
    expect((error as SmsProviderError).status).toBe(status);
  });

  it('gives up on a gateway that does not answer within timeoutMs', async () => {
    gateway.state.delayMs = SMS_TIMEOUT_MS * 4;
    const started = Date.now();
    await expect(delivery().send('sms', '+4512345678', message())).rejects.toThrow(
      `SMS provider did not answer within ${SMS_TIMEOUT_MS} ms`
    );
    expect(Date.now() - started).toBeLessThan(SMS_TIMEOUT_MS * 3);
  });
});

describe('SMS providers', () => {
  it('none configured: no sender', () => {
    expect(createSmsSender(undefined, { info: () => undefined })).toBeNull();
  });

  it('console: one log line with recipient and text', async () => {
    const lines: string[] = [];
    await createSmsSender(
      { provider: 'console', from: 'Nordlys' },
      { info: (line) => lines.push(line) }
    )!.send('+4611122233', 'Hej\nhär: https://x.example/r/1');
    expect(lines).toEqual([
      '[consent] SMS to +4611122233 from Nordlys: Hej här: https://x.example/r/1',
    ]);
  });

  it('custom: the host’s function gets recipient, sender and text, and its failure propagates', async () => {
    const sent: unknown[] = [];
    const sender = createSmsSender(
      { provider: 'custom', from: 'Nordlys', send: async (m) => sent.push(m) },
      { info: () => undefined }
    )!;
    await sender.send('+4511111111', 'Hej');
    expect(sent).toEqual([{ to: '+4511111111', from: 'Nordlys', body: 'Hej' }]);
    const failing = createSmsSender(
      { provider: 'custom', send: async () => Promise.reject(new Error('quota exceeded')) },
      { info: () => undefined }
    )!;
    await expect(failing.send('+4511111111', 'Hej')).rejects.toThrow('quota exceeded');
  });
});

describe('the demo’s no-delay SMTP socket', () => {
  it('is what the demo app’s email provider uses', () => {
    const options = app.strapi.config.get<{
      providerOptions: { getSocket?: { name: string }; pool: boolean };
    }>('plugin::email');
    expect(options.providerOptions.getSocket?.name).toBe('noDelaySocket');
    expect(options.providerOptions.pool).toBe(true);
  });

  /**
   * Which sockets got Nagle's algorithm switched off while one pooled provider sent
   * a mail. (What that is worth in mails per second is measured by
   * bench/campaign.ts, not asserted here: timings in tests fail on a busy machine.)
   */
  const noDelayCalls = async (getSocket: typeof noDelaySocket | undefined): Promise<boolean[]> => {
    const calls: { socket: net.Socket; noDelay: boolean }[] = [];
    const original = net.Socket.prototype.setNoDelay;
    const spy = jest.spyOn(net.Socket.prototype, 'setNoDelay').mockImplementation(function (
      this: net.Socket,
      noDelay?: boolean
    ) {
      calls.push({ socket: this, noDelay: noDelay !== false });
      return original.call(this, noDelay);
    });
    try {
      const provider = nodemailerProvider.init(
        {
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          ignoreTLS: true,
          pool: true,
          maxConnections: 1,
          ...(getSocket ? { getSocket } : {}),
        },
        { defaultFrom: 'a@example.com', defaultReplyTo: 'a@example.com' }
      );
      const to = `nagle-${getSocket ? 'off' : 'stock'}@example.com`;
      await provider.send({
        to,
        subject: 'Nagle',
        text: 'Hello '.repeat(40),
        html: '<p>Hello</p>',
      });
      const mail = await smtp.waitFor((m) => m.to.includes(to));
      // The pooled connection is still open: pick the calls made on the socket the mail came on.
      return calls
        .filter((c) => c.socket.localPort === mail.clientPort && c.socket.remotePort === smtp.port)
        .map((c) => c.noDelay);
    } finally {
      spy.mockRestore();
    }
  };

  it('sends on a socket with Nagle’s algorithm off, which nodemailer’s own sockets keep on (pooled)', async () => {
    // nodemailer's own connection never calls setNoDelay: each message then stalls on a delayed ACK.
    expect(await noDelayCalls(undefined)).toEqual([]);
    expect(await noDelayCalls(noDelaySocket)).toEqual([true]);
  });

  it('works for a transport without a pool, and reports a refused connection', async () => {
    const single = nodemailerProvider.init(
      {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        ignoreTLS: true,
        getSocket: noDelaySocket,
      },
      { defaultFrom: 'a@example.com', defaultReplyTo: 'a@example.com' }
    );
    await single.send({ to: 'single@example.com', subject: 'single', text: 'x' });
    await smtp.waitFor((m) => m.to.includes('single@example.com'));
    const closed = nodemailerProvider.init(
      { host: '127.0.0.1', port: 1, secure: false, ignoreTLS: true, getSocket: noDelaySocket },
      { defaultFrom: 'a@example.com', defaultReplyTo: 'a@example.com' }
    );
    await expect(closed.send({ to: 'x@example.com', subject: 'x', text: 'x' })).rejects.toThrow(
      /ECONNREFUSED/
    );
  });
});
