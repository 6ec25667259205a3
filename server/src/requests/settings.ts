import type { Core } from '@strapi/strapi';
import { z } from '@strapi/utils';
import { errors } from '../utils/strapi-errors';
import { PLUGIN_ID } from '../constants';
import { defaultTemplateSet } from '../messages/default-templates';
import { MESSAGE_KINDS, type TemplateSet, type Templates } from '../messages/types';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { own } from '../utils/own';
import { DEFAULT_SOURCES, MAX_SOURCES, SOURCE_KEY_PATTERN } from '../contracts';

const LOCALE_KEY = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;

const sourceSchema = z
  .object({
    key: z
      .string()
      .trim()
      .regex(
        SOURCE_KEY_PATTERN,
        'must be 1-64 lower-case letters, digits, "_" or "-", starting with a letter or digit'
      ),
    label: z.string().trim().min(1).max(100),
    labels: z
      .record(z.string().regex(LOCALE_KEY), z.string().trim().min(1).max(100))
      .refine((labels) => Object.keys(labels).length <= 20, 'at most 20 languages')
      .optional(),
  })
  .strict();

/** The collection points, in order: at least one (the Register consent dialog offers them), keys unique. */
const sourcesSchema = z
  .array(sourceSchema)
  .min(1, 'keep at least one source')
  .max(MAX_SOURCES)
  .superRefine((sources, ctx) => {
    const seen = new Set<string>();
    sources.forEach((source, i) => {
      if (seen.has(source.key))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'key'],
          message: `duplicate key "${source.key}"`,
        });
      seen.add(source.key);
    });
  });

const template = z
  .object({
    subject: z.string().trim().min(1).max(255),
    body: z.string().trim().min(1).max(20_000),
    sms: z
      .string()
      .trim()
      .min(1)
      .max(480)
      .refine((s) => s.includes('{{link}}'), 'must contain {{link}}'),
  })
  .strict();

// `confirmation` came later than the others: a set stored or sent without it keeps the bundled one.
const templateSet = z
  .object({
    ...(Object.fromEntries(MESSAGE_KINDS.map((k) => [k, template])) as Record<
      (typeof MESSAGE_KINDS)[number],
      typeof template
    >),
    confirmation: template.optional(),
  })
  .strict();

const senderSchema = z
  .object({
    from: z.string().trim().max(255).nullable(),
    replyTo: z.string().trim().max(255).nullable(),
    organisation: z
      .string()
      .trim()
      .min(1, 'the organisation name is required: clients see it in every message')
      .max(200),
  })
  .strict();

/** What an admin edits in Settings. Every field is optional in an update. */
export const settingsSchema = z
  .object({
    requestTtlDays: z.number().int().min(1).max(365),
    reminderDaysBeforeExpiry: z.number().int().min(0).max(364),
    channels: z.object({ email: z.boolean(), sms: z.boolean() }).strict(),
    sender: senderSchema,
    informationMail: z.boolean(),
    /** The controller (GDPR Art. 4(7)) named in consent receipts and access archives. */
    controller: z
      .object({
        name: z.string().trim().min(1).max(200),
        contact: z.string().trim().max(200).nullable(),
        email: z.string().trim().email().max(255).nullable(),
        phone: z.string().trim().max(64).nullable(),
        address: z.string().trim().max(500).nullable(),
        /** ISO 3166-1 alpha-2, e.g. "DK": the receipts' jurisdiction. */
        country: z
          .string()
          .trim()
          .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "DK"')
          .nullable(),
        privacyPolicyUrl: z.string().trim().url().max(500).nullable(),
      })
      .strict(),
    templates: z.record(z.string().regex(LOCALE_KEY), templateSet),
    /** Replaced whole by an update: add, rename, reorder and remove are all a new list. */
    sources: sourcesSchema,
  })
  .strict();

/** The settings in force: every locale's templates complete (withBundled). */
export type Settings = Omit<z.output<typeof settingsSchema>, 'templates'> & {
  templates: Templates;
};
/** An update: any top-level field, and any of the sender's (`{ sender: { organisation } }` alone is fine). */
export const settingsUpdateSchema = settingsSchema
  .extend({ sender: senderSchema.partial() })
  .partial();

/** Stored templates over the bundled ones, per locale and kind (a kind added later is never missing). */
const withBundled = (
  base: Templates,
  stored: Partial<Record<string, Partial<TemplateSet>>> | undefined
): Templates =>
  Object.fromEntries(
    [...new Set([...Object.keys(base), ...Object.keys(stored ?? {})])].map((locale) => [
      locale,
      {
        ...(own(base, locale) ?? defaultTemplateSet(locale)),
        ...own(stored, locale),
      } as TemplateSet,
    ])
  );

const store = (strapi: Core.Strapi) =>
  strapi.store({ type: 'plugin', name: PLUGIN_ID, key: 'settings' });

/** How long cached() may answer from memory: other instances see a change within this time. */
const CACHE_MS = 5000;

/** Settings editable in the admin panel, stored in Strapi's core store, over defaults from the plugin config. */
const settings = ({ strapi }: { strapi: Core.Strapi }) => {
  let cache: { at: number; value: Settings } | null = null;
  // The read in flight: when the cache lapses, a batch's hundred concurrent callers share one read.
  let reading: Promise<Settings> | null = null;
  // Bumped by update(): a read that started before it must not refill the cache.
  let generation = 0;
  return {
    /** get(), from memory for up to 5 s: for hot paths (every new client reads the information-mail flag, every mail the sender). */
    async cached(): Promise<Settings> {
      if (cache && Date.now() - cache.at < CACHE_MS) return cache.value;
      const started = generation;
      reading ??= this.get()
        .then((value) => {
          if (started === generation) cache = { at: Date.now(), value };
          return value;
        })
        .finally(() => {
          reading = null;
        });
      return reading;
    },

    defaults(): Settings {
      const config = getService(strapi, 'config').get();
      const templates: Templates = Object.fromEntries(
        config.locales.map((l) => [l, defaultTemplateSet(l)])
      );
      // No organisation name until an admin sets one (the activation wizard asks for it):
      // requests are refused and no message goes out while it is '' (requests.assertOrganisation).
      const organisation = '';
      return {
        requestTtlDays: config.requestTtlDays,
        reminderDaysBeforeExpiry: config.reminderDaysBeforeExpiry,
        channels: { email: true, sms: Boolean(config.sms) },
        sender: { from: null, replyTo: null, organisation },
        informationMail: false,
        controller: {
          name: organisation,
          contact: null,
          email: null,
          phone: null,
          address: null,
          country: null,
          privacyPolicyUrl: null,
        },
        templates,
        sources: DEFAULT_SOURCES.map((source) => ({
          ...source,
          ...(source.labels ? { labels: { ...source.labels } } : {}),
        })),
      };
    },

    /** The stored settings over the defaults (read from the database every time: several instances share it). */
    async get(): Promise<Settings> {
      const stored = ((await store(strapi).get({})) ?? {}) as Partial<Settings>;
      const base = this.defaults();
      return {
        ...base,
        ...stored,
        channels: { ...base.channels, ...stored.channels },
        sender: { ...base.sender, ...stored.sender },
        // Until a controller is set, it is the organisation that sends the messages.
        controller: {
          ...base.controller,
          ...stored.controller,
          // An empty name (stored before the organisation was named) is the organisation's.
          name: stored.controller?.name || stored.sender?.organisation || base.controller.name,
        },
        templates: withBundled(base.templates, stored.templates),
        sources: stored.sources ?? base.sources,
      };
    },

    /** Validate a partial update (400 in Strapi's shape on bad input), store it, return the merged settings. */
    async update(input: unknown): Promise<Settings> {
      const patch = parse(settingsUpdateSchema, input);
      const current = await this.get();
      const next: Settings = {
        ...current,
        ...patch,
        channels: { ...current.channels, ...patch.channels },
        sender: { ...current.sender, ...patch.sender },
        controller: { ...current.controller, ...patch.controller },
        templates: withBundled(current.templates, patch.templates),
        sources: patch.sources ?? current.sources,
      };
      if (next.reminderDaysBeforeExpiry >= next.requestTtlDays) {
        throw new errors.ValidationError(
          'reminderDaysBeforeExpiry must be less than requestTtlDays',
          {
            errors: [
              { path: ['reminderDaysBeforeExpiry'], message: 'must be less than requestTtlDays' },
            ],
          }
        );
      }
      await store(strapi).set({ value: next });
      cache = null;
      reading = null;
      generation += 1;
      return next;
    },
  };
};

export default settings;
