import net from 'node:net';

/**
 * A very small Redis client (RESP2 over plain TCP) for the intake rate limit:
 * one lazily opened connection, commands pipelined in order, every reply under
 * a deadline. The plugin may not add an npm dependency, and the limit needs
 * only EVAL (plus AUTH / SELECT from the URL). No TLS, no pub/sub, no cluster.
 */

export type RedisReply = string | number | null | RedisReply[];

export class RedisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisError';
  }
}

export interface RedisClient {
  command(args: (string | number)[]): Promise<RedisReply>;
  close(): void;
}

interface Pending {
  resolve: (reply: RedisReply) => void;
  reject: (error: Error) => void;
}

/** A command in RESP: an array of bulk strings. */
export const encodeCommand = (args: (string | number)[]): Buffer => {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const value = Buffer.from(String(arg), 'utf8');
    parts.push(Buffer.from(`$${value.length}\r\n`), value, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
};

/** One reply parsed from `buffer` at `offset`, or null when it has not fully arrived. */
export const parseReply = (
  buffer: Buffer,
  offset: number
): { reply: RedisReply | RedisError; next: number } | null => {
  const eol = buffer.indexOf('\r\n', offset);
  if (eol < 0) return null;
  const type = String.fromCharCode(buffer[offset]);
  const line = buffer.toString('utf8', offset + 1, eol);
  const after = eol + 2;
  switch (type) {
    case '+':
      return { reply: line, next: after };
    case '-':
      return { reply: new RedisError(line), next: after };
    case ':':
      return { reply: Number(line), next: after };
    case '$': {
      const length = Number(line);
      if (length < 0) return { reply: null, next: after };
      if (buffer.length < after + length + 2) return null;
      return { reply: buffer.toString('utf8', after, after + length), next: after + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { reply: null, next: after };
      const items: RedisReply[] = [];
      let next = after;
      for (let i = 0; i < count; i += 1) {
        const item = parseReply(buffer, next);
        if (!item) return null;
        // An error inside an array (EXEC) is kept as its message: the caller decides.
        items.push(item.reply instanceof RedisError ? item.reply.message : item.reply);
        next = item.next;
      }
      return { reply: items, next };
    }
    default:
      throw new RedisError(`unexpected reply type ${JSON.stringify(type)}`);
  }
};

/** `redis://[user][:password]@host[:port][/db]`: AUTH and SELECT are sent first on every connection. */
const handshake = (url: URL): (string | number)[][] => {
  const commands: (string | number)[][] = [];
  const password = decodeURIComponent(url.password);
  const user = decodeURIComponent(url.username);
  if (password) commands.push(user ? ['AUTH', user, password] : ['AUTH', password]);
  const db = url.pathname.replace(/^\//, '');
  if (db && db !== '0') commands.push(['SELECT', db]);
  return commands;
};

export const createRedisClient = (options: { url: string; timeoutMs: number }): RedisClient => {
  const url = new URL(options.url);
  let socket: net.Socket | null = null;
  let connected: Promise<net.Socket> | null = null;
  let buffer: Buffer = Buffer.alloc(0);
  const pending: Pending[] = [];

  /** Every failure drops the connection: a late reply would otherwise answer the next command. */
  const fail = (error: Error) => {
    const failed = socket;
    socket = null;
    connected = null;
    buffer = Buffer.alloc(0);
    failed?.destroy();
    for (const waiter of pending.splice(0)) waiter.reject(error);
  };

  const onData = (chunk: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    let offset = 0;
    try {
      for (let parsed = parseReply(buffer, offset); parsed; parsed = parseReply(buffer, offset)) {
        offset = parsed.next;
        const waiter = pending.shift();
        if (!waiter) throw new RedisError('reply without a command');
        if (parsed.reply instanceof RedisError) waiter.reject(parsed.reply);
        else waiter.resolve(parsed.reply);
      }
    } catch (error) {
      fail(error as Error);
      return;
    }
    buffer = buffer.subarray(offset);
  };

  const send = (s: net.Socket, args: (string | number)[]): Promise<RedisReply> =>
    new Promise<RedisReply>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new RedisError(`no reply within ${options.timeoutMs} ms`)),
        options.timeoutMs
      );
      pending.push({
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      s.write(encodeCommand(args));
    });

  const connect = (): Promise<net.Socket> => {
    connected ??= new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({
        host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
        port: Number(url.port || 6379),
      });
      socket = s;
      s.setNoDelay(true);
      // An idle connection does not keep a process alive (destroy() closes it anyway).
      s.unref();
      const timer = setTimeout(
        () => fail(new RedisError(`could not connect within ${options.timeoutMs} ms`)),
        options.timeoutMs
      );
      s.on('data', onData);
      s.on('error', (error) => fail(error));
      s.on('close', () => {
        if (socket === s) fail(new RedisError('connection closed'));
      });
      // A failure before the handshake ends rejects this promise through fail() -> pending,
      // or here when nothing was pending yet (the timer must not fire on a later connection).
      s.once('close', () => {
        clearTimeout(timer);
        reject(new RedisError('connection closed'));
      });
      s.once('connect', () => {
        clearTimeout(timer);
        Promise.all(handshake(url).map((args) => send(s, args))).then(
          () => resolve(s),
          (error: Error) => {
            // A refused AUTH: drop this connection, so the next command tries afresh.
            if (socket === s) fail(error);
            reject(error);
          }
        );
      });
    });
    return connected;
  };

  return {
    async command(args) {
      return send(await connect(), args);
    },
    close() {
      const s = socket;
      socket = null;
      connected = null;
      for (const waiter of pending.splice(0)) waiter.reject(new RedisError('client closed'));
      s?.destroy();
    },
  };
};
