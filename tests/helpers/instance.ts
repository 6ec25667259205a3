import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { logBoot } from './boot-log';
import { APP_DIR, DIST_DIR } from './paths';

export interface Instance {
  port: number;
  process: ChildProcess;
  /** Its worker's lease owner is `<host>:<pid>:<random>`: the pid tells which rows it holds. */
  pid: number;
  /** SIGKILL: the instance dies without cleaning up (its leases stay until they run out); resolves once it is gone. */
  kill: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Start another Strapi instance of the demo app, in a child process, with this environment. */
export const startInstance = (port: number, env: Record<string, string>): Promise<Instance> =>
  new Promise((resolve, reject) => {
    const started = Date.now();
    const child = fork(path.join(__dirname, 'instance-main.js'), [], {
      env: {
        ...process.env,
        DEMO_SURVIVE_UNHANDLED_REJECTIONS: 'true',
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        CONSENT_APP_DIR: APP_DIR,
        CONSENT_DIST_DIR: DIST_DIR,
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const timer = setTimeout(
      () => reject(new Error(`instance on port ${port} did not start`)),
      90_000
    );
    child.once('exit', (code) => reject(new Error(`instance on port ${port} exited with ${code}`)));
    child.on('message', (message: { ready?: boolean }) => {
      if (!message.ready) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      logBoot('startInstance', started);
      const exit = (signal: NodeJS.Signals) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill(signal);
        });
      resolve({
        port,
        process: child,
        pid: child.pid!,
        kill: () => exit('SIGKILL'),
        stop: () => exit('SIGTERM'),
      });
    });
  });
