import { z } from '@strapi/utils';

const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an attribute name');
const contentTypeUid = z
  .string()
  .regex(
    /^(api|plugin)::[a-z0-9-]+\.[a-z0-9-]+$/,
    'must be a content-type uid such as api::client.client'
  );
const localeCode = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a locale code such as "en" or "da"');

const headerMap = z.record(
  z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name'),
  z.string()
);

/**
 * SMS provider: `console` (development: logs the message), `http` (POST JSON
 * `{ to, from, body }` to a URL with configured headers, e.g. an Authorization
 * header), or an object of the host's own with `send({ to, from, body })`.
 */
const smsSchema = z.union([
  z.object({ provider: z.literal('console'), from: z.string().max(32).optional() }).strict(),
  z
    .object({
      provider: z.literal('http'),
      url: z.string().url(),
      headers: headerMap.default({}),
      from: z.string().max(32).optional(),
      timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    })
    .strict(),
  z
    .object({
      provider: z.literal('custom'),
      send: z.custom<(message: { to: string; from?: string; body: string }) => Promise<unknown>>(
        (v) => typeof v === 'function',
        'must be a function'
      ),
      from: z.string().max(32).optional(),
    })
    .strict(),
]);

export type SmsConfig = z.output<typeof smsSchema>;

/** A section of the config: unknown keys are refused, and it takes its defaults when left out. */
const section = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z
    .object(shape)
    .strict()
    .prefault({} as z.input<z.ZodObject<Shape>>);

export const REQUIREMENTS = ['none', 'warn', 'block'] as const;

export const pluginConfigSchema = z
  .object({
    subject: z
      .object({
        uid: contentTypeUid,
        email: fieldName.optional(),
        phone: fieldName.optional(),
        name: fieldName.optional(),
        language: fieldName.optional(),
        /** Relation to plugin::users-permissions.user: lets a logged-in client use /api/consent/me. */
        user: fieldName.optional(),
      })
      .strict(),
    bookings: z
      .array(
        z
          .object({
            uid: contentTypeUid,
            subject: fieldName,
            requirement: z.enum(REQUIREMENTS).default('warn'),
            /**
             * The plugin's public intake: the create route accepts `contact` (name, email,
             * phone, language) and the plugin finds or creates the client itself, in the
             * booking's transaction. false: the host sets the relation itself.
             */
            intake: z.boolean().default(true),
          })
          .strict()
      )
      .default([]),
    /**
     * Who may decide for a client at once through the content API (see docs/booking-intake.md):
     * `apiTokens` names the API tokens of servers that authenticate their own users (a
     * booking back-end). Their bookings count like the client's own decisions.
     */
    trust: section({ apiTokens: z.array(z.string().min(1).max(255)).max(100).default([]) }),
    requestTtlDays: z.number().int().min(1).max(365).default(7),
    /** Days before a request expires to send one reminder (0: none). Settings can change it. */
    reminderDaysBeforeExpiry: z.number().int().min(0).max(364).default(2),
    /** Days a message's link keeps opening the preference page (withdrawal). */
    manageLinkDays: z.number().int().min(1).max(3650).default(365),
    /** Base URL of the public consent pages in messages; defaults to Strapi's server.url. */
    publicUrl: z.string().url().optional(),
    sms: smsSchema.optional(),
    worker: section({
      /** Run the sender and the scheduled jobs in this instance (every instance may: claims are in the database). */
      enabled: z.boolean().default(true),
      pollIntervalMs: z.number().int().min(50).max(600_000).default(2000),
      batchSize: z.number().int().min(1).max(1000).default(100),
      /** Batches' worth of messages at the mail server at once (the send window is batchSize × concurrency); one more batch is claimed and prepared behind them. */
      concurrency: z.number().int().min(1).max(16).default(2),
      /** How long a claim holds: longer than the slowest send (SMTP timeouts are shorter). */
      leaseSeconds: z.number().int().min(5).max(3600).default(300),
      maxAttempts: z.number().int().min(1).max(50).default(6),
      /** First retry delay; doubles per attempt, capped at one hour. */
      backoffSeconds: z.number().int().min(1).max(3600).default(30),
      /**
       * Longest wait for the mail server or SMS gateway to answer one message: a send
       * still pending then is a failed attempt (retried after the backoff), and the
       * email provider is created anew (a transport that lost its connections never
       * answers). Keep it below leaseSeconds.
       */
      sendTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
      /** Longest wait at shutdown for the sends in hand; then the unsent rows are released for another instance. */
      stopTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
    }),
    database: section({
      /**
       * PostgreSQL: the statements a booking with consent sends are named prepared
       * statements, parsed and planned once per connection. Set false behind a
       * connection pooler in transaction mode that does not support them
       * (PgBouncer before 1.21).
       */
      preparedStatements: z.boolean().default(true),
    }),
    /** Per-IP limit on the public consent pages (per instance). */
    rateLimit: section({
      windowSeconds: z.number().int().min(1).max(3600).default(60),
      max: z.number().int().min(1).max(10_000).default(30),
    }),
    /**
     * The public booking intake (POST <api prefix>/<pluralName> of every `bookings`
     * type): a per-address limit shared by every instance, the counter kept in the
     * database (default) or in Redis. Requests with an Authorization header (a
     * booking server's API token, a logged-in user) are not counted. See docs/security.md.
     */
    intake: section({
      rateLimit: section({
        enabled: z.boolean().default(true),
        /** Fixed windows aligned on the clock: at most `max` bookings per address per window. */
        windowSeconds: z.number().int().min(1).max(86_400).default(600),
        max: z.number().int().min(1).max(1_000_000).default(20),
        store: z.enum(['database', 'redis']).default('database'),
        redis: section({
          url: z
            .string()
            // Plain TCP only: the plugin's small client speaks no TLS.
            .refine(
              (v) => URL.canParse(v) && new URL(v).protocol === 'redis:',
              'must be a redis:// URL such as redis://127.0.0.1:6379 (TLS is not supported)'
            )
            .default('redis://127.0.0.1:6379'),
          /** Prefix of the counter keys (several apps may share one Redis). */
          keyPrefix: z.string().min(1).max(100).default('consent:intake:'),
          /** Deadline of the connection and of each reply; past it the booking is let through (fail-open). */
          timeoutMs: z.number().int().min(10).max(60_000).default(500),
        }),
      }),
    }),
    /**
     * Tamper evidence. `secret` keys the digests of the personal fields of each
     * event (IP, user agent, note, a client's own name), which the event hash
     * covers instead of the fields, so erasure can remove them and the chain still
     * verifies. Without it a random secret is generated once and kept in Strapi's
     * core store. Set it before the first event and never change it.
     */
    proof: section({
      secret: z.string().min(32, 'must be at least 32 characters').optional(),
      /** How often a checkpoint seals every chain head that moved (a Merkle root). */
      checkpointIntervalMinutes: z.number().int().min(1).max(10_080).default(60),
    }),
    /** Consent receipts (Kantara v1.1, ISO/IEC TS 27560). Signed as JWS when a key is set. */
    receipts: section({
      /** PEM private key: EC P-256 (ES256), Ed25519 (EdDSA) or RSA (RS256). */
      signingKey: z.string().optional(),
      /** The JWS `kid` header; defaults to the key's SHA-256 thumbprint. */
      keyId: z.string().max(200).optional(),
    }),
    /**
     * Data-subject rights: which of the host's types hold a client's data (the
     * access archive includes them; erasure anonymises or deletes them). Every
     * `bookings` entry is included by default (anonymised: kept for bookkeeping,
     * Art. 17(3)), with no personal fields of its own unless listed here.
     */
    dataSubject: section({
      /** The client's fields blanked on erasure; defaults to the configured email, phone, name and language. */
      subjectFields: z.array(fieldName).optional(),
      /** What an erased client's name field holds afterwards (when a name field is configured). */
      erasedName: z.string().max(100).default('Erased client'),
      related: z
        .array(
          z
            .object({
              uid: contentTypeUid,
              /** The relation attribute pointing at the client. */
              subject: fieldName,
              /** keep: untouched; anonymise: personalFields set to null; delete: the records are removed. */
              onErase: z.enum(['keep', 'anonymise', 'delete']).default('anonymise'),
              personalFields: z.array(fieldName).default([]),
              /** The date that counts as activity for the retention rule (default createdAt). */
              activityField: fieldName.default('createdAt'),
            })
            .strict()
        )
        .default([]),
    }),
    /** The retention rule: clients with no booking (or decision) for N months may be erased in bulk. */
    retention: section({
      inactiveMonths: z.number().int().min(1).max(1200).optional(),
      batchSize: z.number().int().min(1).max(5000).default(200),
    }),
    /**
     * The demo's clock (`POST /consent/demo/time`): moves this instance's clock forward
     * so a demo can show expiry, reminders and the retention rule without waiting days.
     * Off by default, and refused when NODE_ENV is production.
     */
    demo: section({ timeTravel: z.boolean().default(false) }),
    defaultLocale: localeCode.default('en'),
    locales: z.array(localeCode).min(1).optional(),
  })
  .strict();

export type PluginConfigInput = z.input<typeof pluginConfigSchema>;
export type PluginConfig = z.output<typeof pluginConfigSchema> & { locales: string[] };

/** Dotted path of the first problem, e.g. `subject.uid` or `bookings.0.requirement`. */
const keyOf = (path: PropertyKey[]): string => path.map(String).join('.') || '(root)';

export class ConsentConfigError extends Error {
  constructor(problems: string[]) {
    super(
      `[consent] invalid plugin configuration (config/plugins, key "consent.config"):\n  - ${problems.join('\n  - ')}`
    );
    this.name = 'ConsentConfigError';
  }
}

/** Parse and normalise the configuration; throws one ConsentConfigError naming every bad key. */
export const parsePluginConfig = (raw: unknown): PluginConfig => {
  const result = pluginConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new ConsentConfigError(result.error.issues.map((i) => `${keyOf(i.path)}: ${i.message}`));
  }
  const config = result.data;
  if (config.demo.timeTravel && process.env.NODE_ENV === 'production') {
    throw new ConsentConfigError([
      'demo.timeTravel: refused when NODE_ENV is production (it moves the clock that expiry, retention and the consent events go by)',
    ]);
  }
  const locales = config.locales ?? [config.defaultLocale];
  if (!locales.includes(config.defaultLocale)) {
    throw new ConsentConfigError([`locales: must include defaultLocale "${config.defaultLocale}"`]);
  }
  return { ...config, locales };
};
