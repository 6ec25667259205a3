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
 * What nodemailer accepts back (lib/smtp-connection connect()): `socket`, a socket it
 * connects itself, or `connection`, one already open; `false` makes it dial on its own.
 */
type SocketOptions = { socket: net.Socket } | { connection: net.Socket } | false;
type SocketCallback = (error: Error | null, socketOptions?: SocketOptions) => void;

/**
 * nodemailer `getSocket` option: SMTP connections with Nagle's algorithm off.
 * nodemailer's own sockets keep it on, so every message stalls on a delayed ACK
 * (~45 ms): about 22 mails/s per connection instead of well over 1,000/s. Works
 * for pooled and single-message transports alike (both call getSocket for each
 * new connection).
 *
 * It never hands nodemailer a connect error through the callback: the pool
 * (smtp-pool/pool-resource.js) passes such an error to the message but does not
 * free the connection's slot, so after `maxConnections` refused connections every
 * later send would wait for ever. Connect errors must come from the SMTP
 * connection itself, which frees the slot:
 * - plain and STARTTLS (`secure: false`): an unconnected socket (`{ socket }`);
 *   nodemailer connects it, with its own connection timeout and error handling.
 *   Node keeps `setNoDelay` for a socket that connects later.
 * - `secure: true`: nodemailer wraps a socket it is given as `connection` in TLS,
 *   but does not for `{ socket }`; so this connects first and hands over the open
 *   socket. If that connect fails, `false` makes nodemailer dial once more itself
 *   and report the failure the way that frees the slot (a refused port costs one
 *   more refused connect; a silent one, a second connection timeout).
 */
export const noDelaySocket = (options: SocketRequest, callback: SocketCallback): void => {
  if (!options.secure) {
    const socket = new net.Socket();
    socket.setNoDelay(true);
    callback(null, { socket });
    return;
  }
  const port = Number(options.port) || 465;
  const socket = net.connect({ host: options.host || 'localhost', port, localAddress: options.localAddress });
  socket.setNoDelay(true);
  socket.setKeepAlive(true);

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
    () => settle(Object.assign(new Error(`Connection timeout to ${options.host}:${port}`), { code: 'ETIMEDOUT' })),
    options.connectionTimeout ?? 2 * 60 * 1000
  );
  socket.once('connect', () => settle(null));
  socket.once('error', settle);
};
