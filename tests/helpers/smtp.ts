import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message as the mail server received it, parsed the way a mail app would. */
export interface CaughtMail {
  envelope: { from: string; to: string[] };
  subject: string;
  /** Recipient addresses, as the server received them (RCPT TO). */
  to: string[];
  /** Header texts as mailparser formats them, e.g. `"Demo Salon" <no-reply@example.com>`. */
  from: string;
  toHeader: string;
  replyTo: string;
  messageId: string;
  text: string;
  html: string;
  /** Every header by lower-case name, unfolded, as sent (the last one wins for repeated names). */
  headers: Record<string, string>;
  raw: string;
  /** The sending client's port: tells which of its connections a message came on. */
  clientPort: number;
}

/** Make the server refuse: at connection, at RCPT TO (e.g. 451: try later) or after DATA. */
export interface SmtpFailure {
  stage: 'connect' | 'rcpt' | 'data';
  code: number;
  message?: string;
}

export interface TestSmtp {
  port: number;
  /** Environment for `startApp({ env })`: the demo app's email provider then sends here. */
  env: Record<string, string>;
  messages: CaughtMail[];
  /** Messages with a recipient whose address contains `part` (case-insensitive), e.g. a full address or a prefix. */
  messagesTo(part: string): CaughtMail[];
  /** The first message (already received or arriving within the timeout) that matches. */
  waitFor(predicate: (mail: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  /**
   * Connection errors the server saw, e.g. `ECONNRESET` when a sending instance
   * dies or exits with pooled connections open. A real mail server logs and
   * drops those; without a listener smtp-server would throw them in this process.
   */
  connectionErrors: Error[];
  fail(failure: SmtpFailure | null): void;
  clear(): void;
  stop(): Promise<void>;
}

const refusal = (failure: SmtpFailure) =>
  Object.assign(new Error(failure.message ?? 'Refused by the test server'), {
    responseCode: failure.code,
  });

const addressText = (value: { text: string } | { text: string }[] | undefined): string =>
  Array.isArray(value) ? value.map((v) => v.text).join(', ') : (value?.text ?? '');

/**
 * A real SMTP server in this process, on a free port of 127.0.0.1 (or on `port`: a mail server coming back where it was).
 * `delayMs`: it answers each message that much later (a campaign that lasts long enough to kill a sender in the middle).
 */
export const startSmtp = async (
  options: { port?: number; delayMs?: number } = {}
): Promise<TestSmtp> => {
  const messages: CaughtMail[] = [];
  const waiters = new Set<() => void>();
  const connectionErrors: Error[] = [];
  let failure: SmtpFailure | null = null;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    // Pooled clients keep connections open: do not wait 30 s for them on stop.
    closeTimeout: 50,
    onConnect(_session, callback) {
      callback(failure?.stage === 'connect' ? refusal(failure) : undefined);
    },
    onRcptTo(_address, _session, callback) {
      callback(failure?.stage === 'rcpt' ? refusal(failure) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failure?.stage === 'data') return callback(refusal(failure));
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const headers: Record<string, string> = {};
            for (const { key, line } of parsed.headerLines)
              headers[key] = line
                .slice(line.indexOf(':') + 1)
                .replace(/\r?\n[ \t]+/g, ' ')
                .trim();
            messages.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              subject: parsed.subject ?? '',
              to: session.envelope.rcptTo.map((r) => r.address),
              from: addressText(parsed.from),
              toHeader: addressText(parsed.to),
              replyTo: addressText(parsed.replyTo),
              messageId: parsed.messageId ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers,
              raw: raw.toString('utf8'),
              clientPort: session.remotePort,
            });
            for (const wake of waiters) wake();
            if (options.delayMs) setTimeout(() => callback(), options.delayMs);
            else callback();
          },
          (error: Error) => callback(error)
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.removeListener('error', reject);
      server.on('error', (error: Error) => connectionErrors.push(error));
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port) },
    messages,
    connectionErrors,
    messagesTo: (part) =>
      messages.filter((m) =>
        m.to.some((address) => address.toLowerCase().includes(part.toLowerCase()))
      ),
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (!found) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found);
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(
            new Error(
              `no matching mail within ${timeoutMs} ms; received: ${JSON.stringify(messages.map((m) => [m.envelope.to, m.subject]))}`
            )
          );
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
    fail(next) {
      failure = next;
    },
    clear() {
      messages.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
