import net from 'node:net';
import { startSmtp } from '../helpers/smtp';

/**
 * The test SMTP server outlives the Strapi instances that send to it; an instance
 * killed (or exiting) with pooled connections open resets them. The server must
 * record that, not throw it into the test process (CI once failed on exactly this).
 */
it('a client that resets its connection is recorded, not thrown', async () => {
  const smtp = await startSmtp();
  const uncaught: Error[] = [];
  const onUncaught = (error: Error) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(smtp.port, '127.0.0.1');
      socket.once('error', reject);
      // smtp-server ignores resets outside a transaction: open one first (as a
      // sender killed in mid-message would have), then RST instead of FIN.
      const script = ['EHLO killed.example\r\n', 'MAIL FROM:<a@example.com>\r\n'];
      socket.on('data', () => {
        const next = script.shift();
        if (next) return void socket.write(next);
        socket.resetAndDestroy();
        resolve();
      });
    });
    for (let i = 0; i < 50 && smtp.connectionErrors.length === 0; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    expect(smtp.connectionErrors.map((e) => (e as NodeJS.ErrnoException).code)).toContain(
      'ECONNRESET'
    );
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
    await smtp.stop();
  }
});
