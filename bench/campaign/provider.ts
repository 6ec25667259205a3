/**
 * The demo app's email provider in the campaign bench: the check that it is
 * nodemailer pointed at the sink and pooled with `--pool` connections, and
 * nodemailer as @strapi/provider-email-nodemailer resolves it (the raw baseline).
 */
import path from 'node:path';
import type { Core } from '@strapi/strapi';

export interface Mail {
  from?: string;
  replyTo?: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  messageId: string;
}
export interface Transport {
  sendMail(mail: Mail): Promise<unknown>;
  close(): void;
}

/** nodemailer as @strapi/provider-email-nodemailer resolves it. */
export const providerNodemailer = (): {
  createTransport: (options: unknown) => Transport;
  version: string;
} => {
  const providerDir = path.dirname(
    require.resolve('@strapi/provider-email-nodemailer/package.json')
  );
  const main = require.resolve('nodemailer', { paths: [providerDir] });
  const pkg = require.resolve('nodemailer/package.json', { paths: [providerDir] });

  return { ...require(main), version: require(pkg).version };
};

/**
 * The provider's options (playground/config/plugins.ts: nodemailer from SMTP_HOST /
 * SMTP_PORT / SMTP_POOL), refusing to go on unless they point at the sink with a
 * pool of `pool` connections; warns when its sockets keep Nagle on.
 */
export const checkProvider = (strapi: Core.Strapi, sinkPort: number, pool: number) => {
  const emailConfig = strapi.config.get('plugin::email') as {
    provider: string;
    providerOptions: Record<string, unknown>;
  };
  const options = emailConfig.providerOptions ?? {};
  if (emailConfig.provider !== 'nodemailer' || Number(options.port) !== sinkPort) {
    throw new Error(
      `the demo app's email provider does not point at the sink (provider ${emailConfig.provider}, port ${String(options.port)}): ` +
        'playground/config/plugins.ts must configure nodemailer from SMTP_HOST / SMTP_PORT / SMTP_POOL'
    );
  }
  const noDelay = typeof options.getSocket === 'function';
  if (!noDelay)
    console.warn(
      'WARNING: the provider has no getSocket: its sockets keep Nagle on (~22 mails/s per connection)'
    );
  if (Number(options.maxConnections) !== pool || options.pool !== true) {
    throw new Error(
      `the provider is not pooled with ${pool} connections: ${JSON.stringify({ pool: options.pool, max: options.maxConnections })}`
    );
  }
  return { options, noDelay };
};
