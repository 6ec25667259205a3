import { createRequire } from 'node:module';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { z } from '@strapi/utils';
import { errors } from '../utils/strapi-errors';
import { defaultTemplateSet } from '../messages/default-templates';
import { renderMessage } from '../messages/render';
import { createSmsSender, type SmsSender } from '../messages/sms';
import type { RenderedMessage } from '../messages/types';
import { DeadlineError, withDeadline } from '../utils/deadline';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';

export type DeliveryChannel = 'email' | 'sms';

/** The part of Strapi's email service (`@strapi/email`) this plugin uses; its provider does the rest. */
interface EmailService {
  send(options: {
    to: string;
    from?: string;
    replyTo?: string;
    subject: string;
    text: string;
    html: string;
    headers?: Record<string, string>;
    messageId?: string;
  }): Promise<unknown>;
}

/** What Strapi's email plugin keeps in `strapi.plugin('email').provider`: the object a provider's `init` returns. */
interface EmailProvider {
  send(options: unknown): Promise<unknown>;
  /** The nodemailer provider has it: closes the transport's idle connections and fails its queued mails. */
  close?(): void;
}

interface EmailProviderModule {
  init(providerOptions: unknown, settings: unknown): EmailProvider;
}

/** `plugin::email` as @strapi/email reads it in its bootstrap. */
interface EmailPluginConfig {
  provider?: string;
  providerOptions?: unknown;
  settings?: unknown;
}

/**
 * A new provider made the way @strapi/email's bootstrap makes one (createProvider in
 * its server bootstrap, not exported): `@strapi/provider-email-<name>`, else the name
 * as a module, then `init(providerOptions, settings)` from the app's configuration.
 * Resolved from where @strapi/email itself is installed (its require is the one
 * Strapi uses), else from the app's root.
 */
const initEmailProvider = (
  appRoot: string,
  config: EmailPluginConfig & { provider: string }
): EmailProvider => {
  const appRequire = createRequire(path.join(appRoot, 'package.json'));
  let from = appRequire;
  try {
    from = createRequire(appRequire.resolve('@strapi/email'));
  } catch {
    // Not resolvable from the app root (an unusual layout): resolve from the app root.
  }
  const name = config.provider.toLowerCase();
  let modulePath: string;
  try {
    modulePath = from.resolve(`@strapi/provider-email-${name}`);
  } catch {
    modulePath = from.resolve(name);
  }
  const loaded = from(modulePath) as EmailProviderModule | { default: EmailProviderModule };
  const module = 'init' in loaded ? loaded : loaded.default;
  return module.init(config.providerOptions, config.settings);
};

const DAY = 24 * 60 * 60 * 1000;

const testMailInput = z.object({ to: z.email().max(254), locale: z.string().optional() });

/**
 * Hands rendered messages to Strapi's email feature or to the SMS provider.
 * It does not retry: a failure propagates, and the request queue decides when
 * to try again.
 */
const delivery = ({ strapi }: { strapi: Core.Strapi }) => {
  // Made on first use: the plugin config is parsed (and validated) by then.
  let sms: SmsSender | null | undefined;
  const smsSender = (): SmsSender | null => {
    if (sms === undefined)
      sms = createSmsSender(getService(strapi, 'config').get().sms, strapi.log);
    return sms;
  };

  const publicBase = (): string => {
    const configured =
      getService(strapi, 'config').get().publicUrl ?? strapi.config.get<string>('server.url', '');
    if (configured) return configured.replace(/\/+$/, '');
    const host = strapi.config
      .get<string>('server.host', 'localhost')
      .replace('0.0.0.0', 'localhost');
    return `http://${host}:${strapi.config.get<number>('server.port', 1337)}`;
  };

  // When the provider was last made anew: all sends of one stall pass their deadline
  // together, and one new transport is enough for all of them.
  let replacedAt = 0;

  return {
    /**
     * Replace Strapi's email provider with a new one made from the same configuration,
     * and close the old one. Called when sends pass their deadline: a transport that
     * lost its connections (issue 18: a nodemailer pool whose slots leaked) never
     * answers again, while a new one dials afresh. At most once per send deadline.
     * Connections the old transport is stuck on are left to its own socket timeout.
     * Returns whether it replaced the provider.
     */
    replaceEmailProvider(reason: string): boolean {
      const { sendTimeoutMs } = getService(strapi, 'config').get().worker;
      if (Date.now() - replacedAt < sendTimeoutMs) return false;
      replacedAt = Date.now();
      const config = strapi.config.get<EmailPluginConfig | undefined>('plugin::email');
      if (!config?.provider) return false;
      const plugin = strapi.plugin('email') as unknown as { provider: EmailProvider | undefined };
      let fresh: EmailProvider;
      try {
        fresh = initEmailProvider(strapi.dirs.app.root, { ...config, provider: config.provider });
      } catch (error) {
        strapi.log.error(
          `[consent] email: ${reason}; making the email provider anew failed: ${error instanceof Error ? error.message : String(error)}`
        );
        return false;
      }
      const old = plugin.provider;
      plugin.provider = fresh;
      try {
        old?.close?.();
      } catch (error) {
        strapi.log.warn(
          `[consent] email: closing the old email provider failed: ${error instanceof Error ? error.message : String(error)}`
        );
      }
      strapi.log.warn(
        `[consent] email: ${reason}; the email provider "${config.provider}" was made anew from its configuration`
      );
      return true;
    },

    /** The public address the links in messages start with (no trailing slash). */
    publicUrl(): string {
      return publicBase();
    },

    /** Whether an SMS provider is configured (Settings may still switch the channel off). */
    canSms(): boolean {
      return smsSender() !== null;
    },

    /** Send one message; resolves when the mail server or SMS provider accepted it. */
    async send(
      channel: DeliveryChannel,
      to: string,
      message: RenderedMessage,
      options: { messageId?: string } = {}
    ): Promise<void> {
      if (channel === 'sms') {
        const sender = smsSender();
        if (!sender) throw new Error('no SMS provider is configured (plugin config "consent.sms")');
        await sender.send(to, message.sms);
        return;
      }
      // Every mail of a batch comes here: the cached settings, not a read per mail.
      const { sender } = await getService(strapi, 'settings').cached();
      const email = strapi.plugin('email').service('email') as EmailService;
      await email.send({
        to,
        // Unset fields fall back to the email plugin's defaultFrom / defaultReplyTo.
        ...(sender.from ? { from: sender.from } : {}),
        ...(sender.replyTo ? { replyTo: sender.replyTo } : {}),
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(Object.keys(message.headers).length ? { headers: message.headers } : {}),
        ...(options.messageId ? { messageId: options.messageId } : {}),
      });
    },

    /** The Settings page's "send test mail": the request template with sample data, subject marked "[Test]". */
    async testMail(to: string, locale?: string): Promise<void> {
      const input = parse(testMailInput, { to, locale });
      await getService(strapi, 'requests').assertOrganisation();
      const config = getService(strapi, 'config').get();
      const chosen = input.locale ?? config.defaultLocale;
      if (!config.locales.includes(chosen)) {
        throw new errors.ValidationError(`locale must be one of ${config.locales.join(', ')}`, {
          errors: [{ path: ['locale'], message: `must be one of ${config.locales.join(', ')}` }],
        });
      }
      const settings = await getService(strapi, 'settings').get();
      const texts = await getService(strapi, 'texts').current(chosen);
      const asked = texts.filter((t) => t.requiresConsent);
      const sample = asked.length
        ? asked
        : [{ purpose: 'example', name: 'Example', title: 'Example purpose', marketing: false }];
      const base = `${publicBase()}/api/consent`;
      const message = renderMessage(settings.templates[chosen] ?? defaultTemplateSet(chosen), {
        kind: 'request',
        locale: chosen,
        name: 'Alex Andersen',
        organisation: settings.sender.organisation,
        purposes: sample.map((t) => ({
          key: t.purpose,
          name: t.name,
          title: t.title,
          marketing: t.marketing,
        })),
        // Sample links: they open the "link not valid" page, which is the honest answer to a test.
        links: { respond: `${base}/r/test`, manage: `${base}/m/test`, unsubscribe: null },
        expiresAt: new Date(
          getService(strapi, 'clock').now().getTime() + settings.requestTtlDays * DAY
        ),
      });
      // The Settings page waits for this answer: never longer than a worker's send.
      const { sendTimeoutMs } = config.worker;
      try {
        await withDeadline(
          this.send('email', input.to, { ...message, subject: `[Test] ${message.subject}` }),
          sendTimeoutMs,
          `the mail server did not answer within ${sendTimeoutMs} ms`
        );
      } catch (error) {
        if (error instanceof DeadlineError) this.replaceEmailProvider('a test mail timed out');
        throw error;
      }
    },
  };
};

export default delivery;
