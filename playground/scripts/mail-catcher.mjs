#!/usr/bin/env node
/**
 * The demo's mail server: a real SMTP server on 127.0.0.1:$SMTP_PORT (1025)
 * that delivers nothing. Each message is saved as playground/.mail/<time>-<n>.eml
 * (open it in any mail app) and announced in one line with its first link, so
 * a consent request can be answered straight from the terminal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const mailDir = join(dirname(fileURLToPath(import.meta.url)), '..', '.mail');
const host = process.env.SMTP_CATCHER_HOST ?? '127.0.0.1';
const port = Number(process.env.SMTP_PORT ?? 1025);
let count = 0;

const firstLink = (mail) =>
  (mail.text ?? '').match(/https?:\/\/[^\s<>"]+/)?.[0] ??
  (mail.html || '').match(/href="(https?:\/\/[^"]+)"/)?.[1] ??
  '';

const server = new SMTPServer({
  authOptional: true,
  // Plain SMTP on loopback: no certificate to make, and the demo's transport ignores TLS.
  disabledCommands: ['STARTTLS'],
  disableReverseLookup: true,
  size: 25 * 1024 * 1024,
  logger: false,
  closeTimeout: 1000,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', async () => {
      try {
        const raw = Buffer.concat(chunks);
        const at = new Date();
        mkdirSync(mailDir, { recursive: true });
        const file = join(mailDir, `${at.toISOString().replace(/[:.]/g, '-')}-${++count}.eml`);
        writeFileSync(file, raw);
        const mail = await simpleParser(raw);
        const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
        console.log(
          `[mail] ${at.toISOString()} to ${to} "${mail.subject ?? ''}" ${firstLink(mail)}`.trimEnd()
        );
        callback();
      } catch (error) {
        console.error('[mail] could not store a message:', error);
        callback(Object.assign(new Error('could not store the message'), { responseCode: 451 }));
      }
    });
  },
});

server.on('error', (error) => {
  console.error(
    `[mail] ${error.code === 'EADDRINUSE' ? `port ${port} is in use (another mail catcher?)` : error.message}`
  );
  process.exit(1);
});

server.listen(port, host, () => {
  console.log(`[mail] catching mail on smtp://${host}:${port}, saved to playground/.mail/`);
  process.send?.('ready');
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// The demo script is our parent: when it goes, so do we.
process.on('disconnect', stop);
