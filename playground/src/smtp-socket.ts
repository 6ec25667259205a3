import net from 'node:net';

/** The transport options nodemailer hands to `getSocket` (the ones this factory reads). */
interface SocketRequest {
  host?: string;
  port?: number | string;
  secure?: boolean;
  localAddress?: string;
  connectionTimeout?: number;
}

/**
 * What nodemailer accepts back (lib/smtp-pool/pool-resource.js, lib/smtp-connection):
 * `connection`, a socket it uses as it is; `false` makes it dial on its own.
 */
type SocketOptions = { connection: net.Socket } | false;
type SocketCallback = (error: Error | null, socketOptions?: SocketOptions) => void;

/**
 * nodemailer `getSocket` option: SMTP connections with Nagle's algorithm off.
 * nodemailer's own sockets keep it on, so every message stalls on a delayed ACK
 * (~45 ms): about 22 mails/s per connection instead of well over 1,000/s. Works
 * for pooled and single-message transports alike (both call getSocket for each
 * new connection).
 *
 * It never hands nodemailer a connect error through the callback: the pool
 * passes such an error to the message but does not free the connection's slot,
 * so after `maxConnections` refused connections every later send would wait for
 * ever (issue 18). Connect errors must come from the SMTP connection itself,
 * which frees the slot:
 * - plain and STARTTLS (`secure: false`): the socket is handed over at once,
 *   still connecting. nodemailer waits for the server's greeting before it
 *   writes, and a refused or reset connect reaches its socket error handler,
 *   as with its own sockets. A server that never answers is ended by its
 *   greeting timeout (30 s by default).
 * - `secure: true`: nodemailer wraps the socket in TLS at once, so this waits
 *   for 'connect' first. If the connect fails, `false` makes nodemailer dial
 *   once more itself and report the failure the way that frees the slot (a
 *   refused port costs one more refused connect; a silent one a second
 *   connection timeout).
 * (nodemailer also knows a `socket` option for a socket it should connect, but
 * the pool ignores every answer of getSocket except `connection`.)
 */
export const noDelaySocket = (options: SocketRequest, callback: SocketCallback): void => {
  const port = Number(options.port) || (options.secure ? 465 : 587);
  const socket = net.connect({
    host: options.host || 'localhost',
    port,
    localAddress: options.localAddress,
  });
  socket.setNoDelay(true);
  socket.setKeepAlive(true);
  if (!options.secure) {
    callback(null, { connection: socket });
    return;
  }

  let settled = false;
  const settle = (error: Error | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.removeListener('error', settle);
    if (error) {
      socket.destroy();
      callback(null, false);
    } else {
      callback(null, { connection: socket });
    }
  };
  const timer = setTimeout(
    () =>
      settle(
        Object.assign(new Error(`Connection timeout to ${options.host}:${port}`), {
          code: 'ETIMEDOUT',
        })
      ),
    options.connectionTimeout ?? 2 * 60 * 1000
  );
  socket.once('connect', () => settle(null));
  socket.once('error', settle);
};
