import net from 'node:net';
import {
  createRedisClient,
  encodeCommand,
  parseReply,
  RedisError,
} from '../../server/src/utils/redis';

/** The intake rate limit's small Redis client: the protocol, and how it fails (its callers fail open). */

describe('RESP', () => {
  it('encodes a command as an array of bulk strings (byte lengths, not characters)', () => {
    expect(encodeCommand(['SET', 'k', 'å', 7]).toString()).toBe(
      '*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nå\r\n$1\r\n7\r\n'
    );
  });

  it('parses every reply type, and waits for a reply that has not fully arrived', () => {
    const wire = Buffer.from(
      '+OK\r\n:42\r\n$3\r\nabc\r\n$-1\r\n*2\r\n:1\r\n$1\r\nx\r\n-ERR bad\r\n'
    );
    const replies: unknown[] = [];
    let offset = 0;
    for (let parsed = parseReply(wire, offset); parsed; parsed = parseReply(wire, offset)) {
      replies.push(parsed.reply);
      offset = parsed.next;
      if (offset >= wire.length) break;
    }
    expect(replies.slice(0, 5)).toEqual(['OK', 42, 'abc', null, [1, 'x']]);
    expect(replies[5]).toBeInstanceOf(RedisError);
    // Every prefix of a reply is incomplete, never a wrong value.
    const array = Buffer.from('*2\r\n$3\r\nabc\r\n:7\r\n');
    for (let end = 0; end < array.length; end += 1)
      expect(parseReply(array.subarray(0, end), 0)).toBeNull();
  });
});

describe('failures', () => {
  it('a server that accepts and never answers: the command fails after the deadline', async () => {
    const server = net.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = createRedisClient({
      url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
      timeoutMs: 100,
    });
    const started = Date.now();
    await expect(client.command(['PING'])).rejects.toThrow('no reply within 100 ms');
    expect(Date.now() - started).toBeLessThan(1000);
    client.close();
    server.close();
  });

  it('a refused connection fails at once; the client connects again on the next command', async () => {
    const server = net.createServer((socket) => socket.on('data', () => socket.write('+PONG\r\n')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = createRedisClient({ url: `redis://127.0.0.1:${port}`, timeoutMs: 1000 });
    await expect(client.command(['PING'])).rejects.toThrow();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await expect(client.command(['PING'])).resolves.toBe('PONG');
    client.close();
    server.close();
  });

  it('sends AUTH and SELECT from the URL before the first command', async () => {
    const received: string[] = [];
    const server = net.createServer((socket) =>
      socket.on('data', (chunk) => {
        received.push(chunk.toString());
        const commands = chunk.toString().split('*').length - 1;
        socket.write('+OK\r\n'.repeat(commands));
      })
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = createRedisClient({
      url: `redis://app:s%40cret@127.0.0.1:${(server.address() as net.AddressInfo).port}/2`,
      timeoutMs: 1000,
    });
    await expect(client.command(['PING'])).resolves.toBe('OK');
    expect(received.join('')).toBe(
      encodeCommand(['AUTH', 'app', 's@cret']).toString() +
        encodeCommand(['SELECT', '2']).toString() +
        encodeCommand(['PING']).toString()
    );
    client.close();
    server.close();
  });

  it('a refused AUTH fails the command and the next command connects afresh', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      const refuse = connections === 1;
      socket.on('data', (chunk) => {
        const commands = chunk.toString().split('*').length - 1;
        socket.write(
          refuse ? '-WRONGPASS invalid password\r\n'.repeat(commands) : '+OK\r\n'.repeat(commands)
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = createRedisClient({
      url: `redis://:pw@127.0.0.1:${(server.address() as net.AddressInfo).port}`,
      timeoutMs: 1000,
    });
    await expect(client.command(['PING'])).rejects.toThrow('WRONGPASS');
    await expect(client.command(['PING'])).resolves.toBe('OK');
    expect(connections).toBe(2);
    client.close();
    server.close();
  });
});
