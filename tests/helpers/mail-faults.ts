import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './app';
import { auth, createClient } from './consent';

/** A port of 127.0.0.1 where nothing listens (taken, then freed). */
export const freePort = async (): Promise<number> => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

/** A server that accepts connections and never says a word (no SMTP greeting). */
export const startSilent = async (port: number) => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    connections: () => sockets.size,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Queue a consent request for each of `count` new clients through the admin API; their document ids. */
export const queueRequests = async (
  app: TestApp,
  count: number,
  tag: string
): Promise<{ request: string; email: string }[]> => {
  const token = await app.adminToken();
  const out: { request: string; email: string }[] = [];
  for (let i = 0; i < count; i += 1) {
    const email = `${tag}-${i}@example.com`;
    const client = await createClient(app.strapi, { email });
    const res = await app
      .http()
      .post(`/consent/subjects/${client}/requests`)
      .set(auth(token))
      .send({});
    expect(res.status).toBe(201);
    out.push({ request: res.body.data.documentId as string, email });
  }
  return out;
};

export const rowsOf = (app: TestApp, requests: { request: string }[]) =>
  app.strapi.db
    .connection('consent_requests')
    .whereIn(
      'document_id',
      requests.map((r) => r.request)
    )
    .select('document_id', 'status', 'attempts', 'reason', 'lease_owner', 'lease_until') as Promise<
    {
      document_id: string;
      status: string;
      attempts: number;
      reason: string | null;
      lease_owner: string | null;
      lease_until: unknown;
    }[]
  >;

/** Polls `check()` every `everyMs` until it holds; the milliseconds that took. */
export const waitUntil = async (
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 100
): Promise<number> => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
  return Date.now() - started;
};
