import type { SmsConfig } from '../config/schema';

export interface SmsSender {
  /** Resolves when the provider accepted the message; rejects otherwise (the caller retries). */
  send(to: string, body: string): Promise<void>;
}

/** A provider's refusal. `status` lets a caller tell a bad request (4xx) from an outage (5xx). */
export class SmsProviderError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
    this.name = 'SmsProviderError';
  }
}

/** The start of a provider's error body: enough to diagnose, short enough for a log line or a request's reason. */
const excerpt = async (response: Response): Promise<string> => {
  const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim();
  return text ? `: ${text.slice(0, 200)}` : '';
};

const httpSender = (config: Extract<SmsConfig, { provider: 'http' }>): SmsSender => ({
  async send(to, body) {
    let response: Response;
    try {
      response = await fetch(config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...config.headers },
        body: JSON.stringify({ to, from: config.from, body }),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (error) {
      // fetch says only "fetch failed" or "aborted"; the reason stored on the request should say more.
      // Duck-typed: the abort is a DOMException, and errors may come from another realm (instanceof fails).
      const { name, message, cause } = (error ?? {}) as {
        name?: string;
        message?: string;
        cause?: { message?: string };
      };
      if (name === 'TimeoutError')
        throw new Error(`SMS provider did not answer within ${config.timeoutMs} ms`);
      throw new Error(`SMS provider unreachable: ${cause?.message ?? message ?? String(error)}`);
    }
    if (!response.ok) {
      throw new SmsProviderError(
        `SMS provider answered ${response.status} ${response.statusText}${await excerpt(response)}`.trim(),
        response.status
      );
    }
    // Read the body so the connection goes back to the pool.
    await response.arrayBuffer().catch(() => undefined);
  },
});

/** The configured SMS provider, or null when none is configured. */
export const createSmsSender = (
  config: SmsConfig | undefined,
  log: { info(msg: string): void }
): SmsSender | null => {
  if (!config) return null;
  switch (config.provider) {
    case 'http':
      return httpSender(config);
    case 'console':
      return {
        async send(to, body) {
          log.info(
            `[consent] SMS to ${to}${config.from ? ` from ${config.from}` : ''}: ${body.replace(/\s+/g, ' ')}`
          );
        },
      };
    case 'custom':
      return {
        async send(to, body) {
          await config.send({ to, from: config.from, body });
        },
      };
  }
};
