import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import nodemailerProvider from '@strapi/provider-email-nodemailer';
import { noDelaySocket } from '../../playground/src/smtp-socket';

/** A port of 127.0.0.1 where nothing listens (taken, then freed). */
const closedPort = async (): Promise<number> => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

type Outcome = 'rejected' | 'sent' | 'pending';

/** Connections the helper handed nodemailer that ended refused: proof that its sockets, not nodemailer's own, were used. */
let refusedOnHelperSockets = 0;
const countingSocket: typeof noDelaySocket = (options, callback) =>
  noDelaySocket(options, (error, socketOptions) => {
    if (socketOptions)
      socketOptions.connection.once('close', (hadError: boolean) => {
        if (hadError) refusedOnHelperSockets += 1;
      });
    callback(error, socketOptions);
  });

/** Send `count` mails through one pooled transport; what became of each within `waitMs`. */
const outcomes = async (
  port: number,
  count: number,
  waitMs: number,
  withSocket: boolean
): Promise<Outcome[]> => {
  // Strapi's nodemailer provider, as the demo configures it: one pooled transport.
  const transport = nodemailerProvider.init(
    {
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 5,
      ...(withSocket ? { getSocket: countingSocket } : {}),
    },
    { defaultFrom: 'a@example.com', defaultReplyTo: 'a@example.com' }
  );
  const result: Outcome[] = new Array(count).fill('pending');
  try {
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < count; i += 1) {
      // One after the other, as a queue that meets a refused connection each time would.
      const sending = transport.send({ to: `r${i}@example.com`, subject: 's', text: 't' }).then(
        () => void (result[i] = 'sent'),
        () => void (result[i] = 'rejected')
      );
      sends.push(sending);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([sending, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    }
    return result;
  } finally {
    transport.close();
  }
};

/**
 * nodemailer's pool frees a connection slot only when the connection reports an
 * error or closes; an error handed to getSocket's callback does neither (issue 18):
 * after maxConnections refusals every later send stayed pending for good.
 */
it('a pooled transport with the no-delay socket rejects every mail to a refused port', async () => {
  const port = await closedPort();
  expect(await outcomes(port, 8, 2000, true)).toEqual(new Array(8).fill('rejected'));
  await new Promise((r) => setTimeout(r, 50)); // the last socket's 'close' comes a tick after its error
  expect(refusedOnHelperSockets).toBe(8);
});

it('(control) nodemailer’s own sockets reject them too', async () => {
  const port = await closedPort();
  expect(await outcomes(port, 8, 2000, false)).toEqual(new Array(8).fill('rejected'));
});

describe('the copy in docs/install.md', () => {
  it('is this file, as it is: hosts copy it from there', () => {
    const root = path.join(__dirname, '..', '..');
    const doc = fs.readFileSync(path.join(root, 'docs', 'install.md'), 'utf8');
    const marker = '<!-- consumer-test: src/smtp-socket.ts -->';
    const block = /```ts\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf(marker)))?.[1];
    expect(doc).toContain(marker);
    expect(block).toBe(
      fs.readFileSync(path.join(root, 'playground', 'src', 'smtp-socket.ts'), 'utf8')
    );
  });
});
