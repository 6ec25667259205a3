/**
 * The demo's start script (`npm start` → playground/scripts/demo.mjs), run on a copy
 * of its scripts under tests/.artifacts so the real playground/.env is never touched
 * (the test apps would read it). No Strapi is started: both cases end before that.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { APP_DIR, ROOT } from '../helpers/paths';

const COPY = path.join(ROOT, 'tests', '.artifacts', `demo-copy-${process.env.JEST_WORKER_ID ?? 0}`);

const copyDemo = () => {
  fs.rmSync(COPY, { recursive: true, force: true });
  fs.mkdirSync(path.join(COPY, 'scripts'), { recursive: true });
  for (const file of [
    'scripts/demo.mjs',
    'scripts/settings.mjs',
    'scripts/mail-catcher.mjs',
    '.env.example',
  ])
    fs.copyFileSync(path.join(APP_DIR, file), path.join(COPY, file));
};

const runDemo = (env: Record<string, string>) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(SMTP_|PUBLIC_URL|PORT$)/.test(name))
    );
    const child = spawn(process.execPath, [path.join(COPY, 'scripts', 'demo.mjs')], {
      env: { ...clean, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });

let holder: net.Server;
let takenPort: number;
beforeAll(async () => {
  holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  takenPort = (holder.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => holder.close(resolve));
  fs.rmSync(COPY, { recursive: true, force: true });
});

describe('npm start (playground/scripts/demo.mjs)', () => {
  it('stops with a message naming the port when the mail catcher cannot listen, instead of mailing whoever holds it', async () => {
    copyDemo();
    const { code, output } = await runDemo({ SMTP_PORT: String(takenPort) });
    expect(code).toBe(1);
    expect(output).toContain(`could not listen on port ${takenPort}`);
    expect(output).toContain('SMTP_PORT');
    // It stopped before Strapi: nothing was built.
    expect(output).not.toContain('building the demo app');
    // The .env it wrote lets links follow PORT: no fixed PUBLIC_URL.
    const written = fs.readFileSync(path.join(COPY, '.env'), 'utf8');
    expect(written).not.toMatch(/^PUBLIC_URL=/m);
    expect(written).toMatch(/^APP_KEYS=.+/m);
  });

  it('an .env from before, with links fixed to port 1337, is changed to follow PORT', async () => {
    copyDemo();
    fs.writeFileSync(
      path.join(COPY, '.env'),
      'PORT=1400\nPUBLIC_URL=http://localhost:1337\nAPP_KEYS=a,b\n'
    );
    const { code, output } = await runDemo({ SMTP_PORT: String(takenPort) });
    expect(code).toBe(1);
    expect(output).toContain('links now follow PORT');
    const env = fs.readFileSync(path.join(COPY, '.env'), 'utf8');
    expect(env).not.toMatch(/^PUBLIC_URL=/m);
    expect(env).toContain('PORT=1400');
    expect(env).toContain('APP_KEYS=a,b');
  });
});
