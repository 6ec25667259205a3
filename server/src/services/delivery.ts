import type { Core } from '@strapi/strapi';
import { errors, z } from '@strapi/utils';
import { defaultTemplateSet } from '../messages/default-templates';
import { renderMessage } from '../messages/render';
import { createSmsSender, type SmsSender } from '../messages/sms';
import type { RenderedMessage } from '../messages/types';
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
    if (sms === undefined) sms = createSmsSender(getService(strapi, 'config').get().sms, strapi.log);
    return sms;
  };

  const publicBase = (): string => {
    const configured = getService(strapi, 'config').get().publicUrl ?? strapi.config.get<string>('server.url', '');
    if (configured) return configured.replace(/\/+$/, '');
    const host = strapi.config.get<string>('server.host', 'localhost').replace('0.0.0.0', 'localhost');
    return `http://${host}:${strapi.config.get<number>('server.port', 1337)}`;
  };

  return {
    /** Whether an SMS provider is configured (Settings may still switch the channel off). */
    canSms(): boolean {
      return smsSender() !== null;
    },

    /** Send one message; resolves when the mail server or SMS provider accepted it. */
    async send(channel: DeliveryChannel, to: string, message: RenderedMessage, options: { messageId?: string } = {}): Promise<void> {
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
      const sample = asked.length ? asked : [{ purpose: 'example', name: 'Example', title: 'Example purpose', marketing: false }];
      const base = `${publicBase()}/api/consent`;
      const message = renderMessage(settings.templates[chosen] ?? defaultTemplateSet(chosen), {
        kind: 'request',
        locale: chosen,
        name: 'Alex Andersen',
        organisation: settings.sender.organisation,
        purposes: sample.map((t) => ({ key: t.purpose, name: t.name, title: t.title, marketing: t.marketing })),
        // Sample links: they open the "link not valid" page, which is the honest answer to a test.
        links: { respond: `${base}/r/test`, manage: `${base}/m/test`, unsubscribe: null },
        expiresAt: new Date(getService(strapi, 'clock').now().getTime() + settings.requestTtlDays * DAY),
      });
      await this.send('email', input.to, { ...message, subject: `[Test] ${message.subject}` });
    },
  };
};

export default delivery;
