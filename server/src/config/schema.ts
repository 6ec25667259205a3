import { z } from '@strapi/utils';

const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an attribute name');
const contentTypeUid = z.string().regex(/^(api|plugin)::[a-z0-9-]+\.[a-z0-9-]+$/, 'must be a content-type uid such as api::client.client');
const localeCode = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a locale code such as "en" or "da"');

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
