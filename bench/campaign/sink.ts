/**
 * The SMTP sink of the campaign bench: an smtp-server in a child process of
 * its own (so its CPU is not the sender's) that accepts everything, keeps no
 * data, and counts mails, bytes and distinct recipients; and the check of what
 * it got against what was sent.
 *
 * Run as the child's main module by startSink(); the parent talks to it over IPC.
 */
import type { ChildProcess } from 'node:child_process';
import { ROOT } from '../boot';
import { startChild } from '../child';

export interface SinkStats {
  messages: number;
  recipients: number;
  distinctRecipients: number;
  /** Recipients seen more than once since the last reset. */
  duplicates: number;
  bytes: number;
  connections: number;
  /** Recipients not ending in the expected suffix (a stray mail). */
  unexpected: number;
  cpuMs: number;
}

/** The child: the SMTP server and its counters. */
const runSink = async () => {
  const { SMTPServer } = require('smtp-server');
  let seen = new Set<string>();
  let stats = {
    messages: 0,
    recipients: 0,
    duplicates: 0,
    bytes: 0,
    connections: 0,
    unexpected: 0,
  };
  let suffix = '@example.com';
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    banner: 'consent bench sink',
    onConnect(_session: unknown, callback: () => void) {
      stats.connections += 1;
      callback();
    },
    onData(
      stream: NodeJS.ReadableStream,
      session: { envelope: { rcptTo: { address: string }[] } },
      callback: (e?: Error) => void
    ) {
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      stream.on('end', () => {
        stats.messages += 1;
        stats.bytes += bytes;
        for (const { address } of session.envelope.rcptTo) {
          stats.recipients += 1;
          const key = address.toLowerCase();
          if (!key.endsWith(suffix)) stats.unexpected += 1;
          if (seen.has(key)) stats.duplicates += 1;
          else seen.add(key);
        }
        callback();
      });
    },
  });
  server.on('error', (error: Error) => console.error(`[sink] ${error.message}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  process.on('message', (message: { cmd: string; suffix?: string }) => {
    if (message.cmd === 'reset') {
      seen = new Set();
      stats = {
        messages: 0,
        recipients: 0,
        duplicates: 0,
        bytes: 0,
        connections: 0,
        unexpected: 0,
      };
      suffix = message.suffix ?? '@example.com';
      process.send?.({ type: 'reset' });
    } else if (message.cmd === 'stats') {
      const cpu = process.cpuUsage();
      const result: SinkStats = {
        ...stats,
        distinctRecipients: seen.size,
        cpuMs: (cpu.user + cpu.system) / 1000,
      };
      process.send?.({ type: 'stats', result });
    } else if (message.cmd === 'stop') {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 2000).unref();
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', port });
};

export interface Sink {
  child: ChildProcess;
  port: number;
  /** Forget what was received; mails to recipients not ending in `suffix` count as unexpected. */
  reset: (suffix: string) => Promise<void>;
  stats: () => Promise<SinkStats>;
  stop: () => Promise<void>;
}

/** The parent's side: start the sink in its child process. */
export const startSink = async (): Promise<Sink> => {
  const sink = await startChild<{ type: string; port: number }>('the SMTP sink', __filename, [], {
    cwd: ROOT,
    env: process.env,
  });
  return {
    child: sink.child,
    port: sink.ready.port,
    reset: (suffix) => sink.request<void>({ cmd: 'reset', suffix }, 'reset'),
    stats: () => sink.request<SinkStats>({ cmd: 'stats' }, 'stats'),
    stop: () => sink.stop(5000),
  };
};

export interface Checks {
  ok: boolean;
  problems: string[];
}

/** What is wrong with what the sink got, for `n` mails to `n` distinct recipients. */
export const checkSink = (sink: SinkStats, n: number): string[] => {
  const problems: string[] = [];
  if (sink.messages !== n) problems.push(`sink got ${sink.messages} mails (want ${n})`);
  if (sink.distinctRecipients !== n)
    problems.push(`sink got ${sink.distinctRecipients} distinct recipients (want ${n})`);
  if (sink.duplicates) problems.push(`sink got ${sink.duplicates} recipients twice`);
  if (sink.unexpected) problems.push(`sink got ${sink.unexpected} mails to unexpected recipients`);
  return problems;
};

if (require.main === module) {
  runSink().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
