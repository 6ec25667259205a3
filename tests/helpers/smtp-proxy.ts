import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * What the mail server's address does, in front of a real SMTP server (tests/helpers/smtp.ts):
 * - `pass`: every byte goes through both ways;
 * - `refuse`: nothing listens on the port (a server that is down or restarting: ECONNREFUSED);
 * - `drop`: connections are accepted and the greeting goes out, then every other connection is
 *   cut at the client's first command (EHLO) and the rest in the middle of the message body,
 *   before its final dot, so the server never keeps a message from a cut connection.
 */
export type SmtpProxyMode = 'pass' | 'refuse' | 'drop';

export interface SmtpProxy {
  port: number;
  env: Record<string, string>;
  mode(next: SmtpProxyMode): Promise<void>;
  stats: { connections: number; droppedAfterGreeting: number; droppedInData: number };
  stop(): Promise<void>;
}

export const startSmtpProxy = async (target: number): Promise<SmtpProxy> => {
  let mode: SmtpProxyMode = 'pass';
  let server: net.Server | null = null;
  let port = 0;
  const sockets = new Set<net.Socket>();
  const stats = { connections: 0, droppedAfterGreeting: 0, droppedInData: 0 };

  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };

  const onConnection = (client: net.Socket) => {
    stats.connections += 1;
    const upstream = net.connect(target, '127.0.0.1');
    track(client);
    track(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const cut = mode === 'drop' ? (stats.connections % 2 ? 'greeting' : 'data') : null;
    let inData = false;
    const hangUp = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('data', (chunk: Buffer) => {
      if (cut === 'greeting') {
        stats.droppedAfterGreeting += 1;
        return hangUp();
      }
      if (cut === 'data' && inData) {
        // Half the body reaches the server, then the line dies: a transfer cut mid-DATA.
        upstream.write(chunk.subarray(0, Math.floor(chunk.length / 2)), () => {
          stats.droppedInData += 1;
          hangUp();
        });
        return;
      }
      if (/^DATA\r?$/im.test(chunk.toString('latin1'))) inData = true;
      upstream.write(chunk);
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = net.createServer(onConnection);
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        next.removeListener('error', reject);
        port = (next.address() as AddressInfo).port;
        server = next;
        resolve();
      });
    });

  const close = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      if (!current) return resolve();
      current.close(() => resolve());
    });

  await listen();
  return {
    get port() {
      return port;
    },
    get env() {
      return { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port) };
    },
    stats,
    async mode(next) {
      mode = next;
      if (next === 'refuse') return close();
      // A server that starts failing fails its open connections too (a pool keeps them).
      if (next === 'drop') for (const socket of sockets) socket.destroy();
      if (!server) await listen();
    },
    stop: close,
  };
};
