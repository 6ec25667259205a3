import fs from 'node:fs';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { noDelaySocket } from '../src/smtp-socket';

/**
 * The plugin lives at the root of this repository. Strapi needs an absolute
 * `resolve` for a local plugin (a relative '..' resolves inside @strapi/core),
 * and this file runs from playground/dist/config once compiled, so look upwards.
 */
const pluginRoot = (): string => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'strapi-plugin-consent'
    ) {
      return dir;
    }
  }
  throw new Error('strapi-plugin-consent not found above ' + __dirname);
};

/**
 * SMS for the consent requests: an HTTP gateway (CONSENT_SMS_URL, with an
 * optional Authorization header from CONSENT_SMS_AUTH), the console
 * (CONSENT_SMS=console: `npm start` uses it), or none.
 */
type Env = Core.Config.Shared.ConfigParams['env'];

const sms = (env: Env) => {
  if (env('CONSENT_SMS_URL')) {
    return {
      provider: 'http',
      url: env('CONSENT_SMS_URL'),
      headers: env('CONSENT_SMS_AUTH') ? { authorization: env('CONSENT_SMS_AUTH') } : {},
      from: env('CONSENT_SMS_FROM', 'DemoSalon'),
      timeoutMs: env.int('CONSENT_SMS_TIMEOUT_MS', 10_000),
    };
  }
  if (env('CONSENT_SMS') === 'console')
    return { provider: 'console', from: env('CONSENT_SMS_FROM', 'DemoSalon') };
  return undefined;
};

// The typed form a freshly created (strict) Strapi app uses; see docs/install.md.
export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => ({
  consent: {
    // CONSENT_ENABLED=false runs the same app without the plugin (the booking benchmark's baseline).
    enabled: env.bool('CONSENT_ENABLED', true),
    resolve: pluginRoot(),
    config: {
      subject: {
        uid: 'api::client.client',
        email: 'email',
        phone: 'phone',
        name: 'name',
        language: 'language',
        user: 'user',
      },
      bookings: [
        {
          uid: 'api::booking.booking',
          subject: 'client',
          requirement: env('CONSENT_BOOKING_REQUIREMENT', 'warn'),
        },
      ],
      // API tokens (by name) of booking back-ends that authenticate their own users: their
      // bookings' decisions count at once, also for existing clients (docs/booking-intake.md).
      trust: { apiTokens: env.array('CONSENT_TRUSTED_API_TOKENS', []) },
      requestTtlDays: env.int('CONSENT_REQUEST_TTL_DAYS', 7),
      defaultLocale: 'en',
      locales: ['en', 'da', 'sv'],
      rateLimit: { max: env.int('CONSENT_RATE_LIMIT_MAX', 30) },
      // Bookings per address per window on POST /api/bookings, counted in the database (or Redis) by every instance.
      intake: {
        rateLimit: {
          enabled: env.bool('CONSENT_INTAKE_RATE_LIMIT', true),
          max: env.int('CONSENT_INTAKE_RATE_MAX', 20),
          windowSeconds: env.int('CONSENT_INTAKE_RATE_WINDOW_SECONDS', 600),
          store: env('CONSENT_INTAKE_RATE_STORE', 'database'),
          redis: {
            url: env('CONSENT_INTAKE_REDIS_URL', 'redis://127.0.0.1:6379'),
            keyPrefix: env('CONSENT_INTAKE_REDIS_PREFIX', 'consent:intake:'),
          },
        },
      },
      sms: sms(env),
      // Links in messages point here (the public consent pages).
      publicUrl: env('PUBLIC_URL', `http://localhost:${env.int('PORT', 1337)}`),
      // `npm run demo:time -- <days>` moves the demo's clock (never in production).
      demo: { timeTravel: env.bool('DEMO_TIME_TRAVEL', env('NODE_ENV') !== 'production') },
      // Data-subject rights: a booking is kept for bookkeeping (Art. 17(3)) with its notes removed;
      // its start is what counts as the client's activity for the retention rule.
      dataSubject: {
        erasedName: 'Erased client',
        related: [
          {
            uid: 'api::booking.booking',
            subject: 'client',
            onErase: 'anonymise',
            personalFields: ['notes'],
            activityField: 'startsAt',
          },
        ],
      },
      // Signed consent receipts: a PEM private key (EC P-256, Ed25519 or RSA); unsigned without it.
      receipts: { signingKey: env('CONSENT_RECEIPT_KEY'), keyId: env('CONSENT_RECEIPT_KEY_ID') },
      retention: {
        inactiveMonths: env.int('CONSENT_RETENTION_MONTHS', 36),
        batchSize: env.int('CONSENT_RETENTION_BATCH', 200),
      },
      worker: {
        // Tests switch the background loop off and drive it step by step.
        enabled: env.bool('CONSENT_WORKER', true),
        pollIntervalMs: env.int('CONSENT_WORKER_POLL_MS', 2000),
        leaseSeconds: env.int('CONSENT_LEASE_SECONDS', 300),
        backoffSeconds: env.int('CONSENT_BACKOFF_SECONDS', 30),
        maxAttempts: env.int('CONSENT_MAX_ATTEMPTS', 6),
        batchSize: env.int('CONSENT_BATCH_SIZE', 100),
        concurrency: env.int('CONSENT_WORKER_CONCURRENCY', 2),
        // A send still unanswered after this is a failed attempt and the email transport is made anew (docs/operations.md).
        sendTimeoutMs: env.int('CONSENT_SEND_TIMEOUT_MS', 30_000),
        // Shutdown waits this long for the sends in hand, then releases the unsent rows.
        stopTimeoutMs: env.int('CONSENT_STOP_TIMEOUT_MS', 10_000),
      },
    },
  },
  // Mail goes to the local catcher (playground/scripts/mail-catcher.mjs) unless SMTP_HOST says otherwise.
  email: {
    config: {
      provider: 'nodemailer',
      providerOptions: {
        host: env('SMTP_HOST', '127.0.0.1'),
        port: env.int('SMTP_PORT', 1025),
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: env.int('SMTP_POOL', 5),
        // Nagle off: nodemailer otherwise stalls ~45 ms per message (see src/smtp-socket.ts).
        getSocket: noDelaySocket,
      },
      settings: {
        defaultFrom: env('MAIL_FROM', 'Demo Salon <no-reply@example.com>'),
        defaultReplyTo: env('MAIL_REPLY_TO', 'Demo Salon <desk@example.com>'),
      },
    },
  },
  'users-permissions': {
    config: { jwtSecret: env('JWT_SECRET') },
  },
});
