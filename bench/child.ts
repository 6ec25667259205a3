/**
 * A bench module in a child process of its own (through register.js), talked
 * to over IPC: it sends `{ type: 'ready', ... }` once it can work, answers a
 * `{ cmd }` with `{ type: reply, result }`, and exits on `{ cmd: 'stop' }`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface BenchChild<Ready> {
  child: ChildProcess;
  /** The child's 'ready' message. */
  ready: Ready;
  /** Send a command and wait for the first message of type `reply`; its `result`. */
  request: <T>(cmd: Record<string, unknown>, reply: string) => Promise<T>;
  /** Ask the child to stop; SIGKILL after `timeoutMs`. */
  stop: (timeoutMs: number) => Promise<void>;
}

export const startChild = <Ready extends { type: string }>(
  name: string,
  file: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string }
): Promise<BenchChild<Ready>> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', path.join(__dirname, 'register.js'), file, ...args],
      {
        cwd: options.cwd,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: options.env,
      }
    );
    const onExit = (code: number | null) =>
      reject(new Error(`${name} exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (ready: Ready) => {
      child.off('exit', onExit);
      if (ready.type !== 'ready')
        return reject(new Error(`unexpected message from ${name}: ${JSON.stringify(ready)}`));
      resolve({
        child,
        ready,
        request: <T>(cmd: Record<string, unknown>, reply: string) =>
          new Promise<T>((ok) => {
            const on = (m: { type: string; result?: unknown }) => {
              if (m.type !== reply) return;
              child.off('message', on);
              ok(m.result as T);
            };
            child.on('message', on);
            child.send(cmd);
          }),
        stop: (timeoutMs) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.send({ cmd: 'stop' });
          }),
      });
    });
  });
