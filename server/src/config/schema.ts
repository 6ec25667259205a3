import { z } from '@strapi/utils';

const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an attribute name');
const contentTypeUid = z.string().regex(/^(api|plugin)::[a-z0-9-]+\.[a-z0-9-]+$/, 'must be a content-type uid such as api::client.client');
const localeCode = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a locale code such as "en" or "da"');

const headerMap = z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name'), z.string());

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
      send: z.custom<(message: { to: string; from?: string; body: string }) => Promise<unknown>>((v) => typeof v === 'function', 'must be a function'),
      from: z.string().max(32).optional(),
    })
    .strict(),
]);

export type SmsConfig = z.output<typeof smsSchema>;

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
          })
          .strict()
      )
      .default([]),
    requestTtlDays: z.number().int().min(1).max(365).default(7),
    /** Days before a request expires to send one reminder (0: none). Settings can change it. */
    reminderDaysBeforeExpiry: z.number().int().min(0).max(364).default(2),
    /** Days a message's link keeps opening the preference page (withdrawal). */
    manageLinkDays: z.number().int().min(1).max(3650).default(365),
    /** Base URL of the public consent pages in messages; defaults to Strapi's server.url. */
    publicUrl: z.string().url().optional(),
    sms: smsSchema.optional(),
    worker: z
      .object({
        /** Run the sender and the scheduled jobs in this instance (every instance may: claims are in the database). */
        enabled: z.boolean().default(true),
        pollIntervalMs: z.number().int().min(50).max(600_000).default(2000),
        batchSize: z.number().int().min(1).max(1000).default(100),
        /** Batches in flight at once in this instance: one is being sent while the next is claimed and prepared. */
        concurrency: z.number().int().min(1).max(16).default(2),
        /** How long a claim holds: longer than the slowest send (SMTP timeouts are shorter). */
        leaseSeconds: z.number().int().min(5).max(3600).default(300),
        maxAttempts: z.number().int().min(1).max(50).default(6),
        /** First retry delay; doubles per attempt, capped at one hour. */
        backoffSeconds: z.number().int().min(1).max(3600).default(30),
      })
      .strict()
      .prefault({}),
    /** Per-IP limit on the public consent pages (per instance). */
    rateLimit: z
      .object({ windowSeconds: z.number().int().min(1).max(3600).default(60), max: z.number().int().min(1).max(10_000).default(30) })
      .strict()
      .prefault({}),
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
    super(`[consent] invalid plugin configuration (config/plugins, key "consent.config"):\n  - ${problems.join('\n  - ')}`);
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
  const locales = config.locales ?? [config.defaultLocale];
  if (!locales.includes(config.defaultLocale)) {
    throw new ConsentConfigError([`locales: must include defaultLocale "${config.defaultLocale}"`]);
  }
  return { ...config, locales };
};
