import { fork } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { baseEnv, login } from './app';
import { logBoot } from './boot-log';
import { resetDatabase } from './database';
import { APP_DIR, DIST_DIR } from './paths';

export interface AdminApp {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** HTTP calls to the app (the admin API, as the admin panel makes them). */
  http: () => request.Agent;
  /** An admin API token of this user (POST /admin/login). */
  token: (email: string, password: string) => Promise<string>;
  stop: () => Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/**
 * The demo app with its built admin panel (see admin-build.ts), in a child
 * process on this worker's freshly created database, seeded, on a free port.
 * `env` comes last: e.g. the test SMTP server's SMTP_HOST/SMTP_PORT.
 */
export const startAdminApp = async (env: Record<string, string> = {}): Promise<AdminApp> => {
  const started = Date.now();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = fork(path.join(__dirname, 'admin-app-main.js'), [], {
    env: {
      ...process.env,
      ...baseEnv(),
      ...(await resetDatabase()),
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      CONSENT_APP_DIR: APP_DIR,
      CONSENT_DIST_DIR: DIST_DIR,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const errors: Buffer[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    errors.push(chunk);
    if (process.env.E2E_APP_LOG === 'true') process.stderr.write(chunk);
  });

  await new Promise<void>((resolve, reject) => {
    const fail = (why: string) =>
      reject(new Error(`${why}\n${Buffer.concat(errors).toString('utf8')}`));
    const timer = setTimeout(() => fail('the demo app did not start within 120 s'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(`the demo app exited with ${code}`);
    });
    child.on('message', (message: { ready?: boolean }) => {
      if (!message.ready) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      logBoot('startAdminApp', started);
      resolve();
    });
  });

  const http = () => request.agent(url);
  return {
    url,
    http,
    token: (email, password) => login(http(), email, password),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(killer);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
};

/** A client as the Content Manager's API returns it (the fields the browser tests read). */
export interface ClientDoc {
  documentId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  createdAt: string;
}

/** A client by email, through the Content Manager's API as an admin (null when no client has it). */
export const findClientByEmail = async (
  app: AdminApp,
  adminToken: string,
  email: string
): Promise<ClientDoc | null> => {
  const res = await app
    .http()
    .get('/content-manager/collection-types/api::client.client')
    .query({ 'filters[email][$eq]': email, pageSize: 10 })
    .set({ Authorization: `Bearer ${adminToken}` });
  expect(res.status).toBe(200);
  return res.body.results[0] ?? null;
};

/** The Content Manager's read and update on clients (every field the demo's client has). */
export const CLIENT_EDITOR_PERMISSIONS = ['read', 'update'].map((action) => ({
  action: `plugin::content-manager.explorer.${action}`,
  subject: 'api::client.client',
  properties: { fields: ['name', 'email', 'phone', 'language', 'bookings', 'user'] },
  conditions: [],
}));

/**
 * An admin user with a role of its own, through the admin API as an admin would do
 * it in Settings > Roles and Users: the role, its permissions, the invited user,
 * and the user's registration with a password.
 */
export const createAdminWithRole = async (
  app: AdminApp,
  adminToken: string,
  role: { name: string; description: string; permissions: object[] },
  user: { firstname: string; lastname: string; email: string; password: string }
): Promise<void> => {
  const headers = { Authorization: `Bearer ${adminToken}` };
  const created = await app
    .http()
    .post('/admin/roles')
    .set(headers)
    .send({ name: role.name, description: role.description });
  expect(created.status).toBe(201);
  const granted = await app
    .http()
    .put(`/admin/roles/${created.body.data.id}/permissions`)
    .set(headers)
    .send({ permissions: role.permissions });
  expect(granted.status).toBe(200);
  const invited = await app
    .http()
    .post('/admin/users')
    .set(headers)
    .send({
      firstname: user.firstname,
      lastname: user.lastname,
      email: user.email,
      roles: [created.body.data.id],
    });
  expect(invited.status).toBe(201);
  const registered = await app
    .http()
    .post('/admin/register')
    .send({
      registrationToken: invited.body.data.registrationToken,
      userInfo: { firstname: user.firstname, lastname: user.lastname, password: user.password },
    });
  expect(registered.status).toBe(200);
};
