#!/usr/bin/env node
/**
 * Consumer test: the plugin as a new user installs it (docs/install.md), at the lowest
 * supported Strapi and at the newest 5.x that installs from the registry.
 *
 *   node scripts/consumer-test.mjs [version …]     (default: FLOOR and NEWEST below)
 *
 * For each version: `npm pack` the plugin (once; run `npm run build` first), create a
 * TypeScript app with create-strapi-app (--no-install, PostgreSQL), pin every @strapi/*
 * package to the version, install the tarball and @strapi/provider-email-nodemailer, copy
 * customer and appointment types from tests/apps/customer-app, write config/plugins.ts and
 * src/smtp-socket.ts from the blocks marked `<!-- consumer-test: … -->` in docs/install.md,
 * `strapi build`, check the admin bundle holds one copy of @strapi/design-system, start on
 * PostgreSQL (database consumer_<version>) and, over HTTP: register the first admin, grant
 * the public role appointment.create only, see a request refused without an organisation
 * name, set it, create a purpose, publish its text, book with consent through the public
 * intake, publish a substantive version, send one consent request and receive it on an SMTP
 * server run here.
 *
 * Needs PostgreSQL at 127.0.0.1:5432 (user postgres, no password; PGHOST/PGUSER/PGPORT
 * override) and the registry. Work dir: $CONSUMER_DIR or <tmp>/consent-consumer; an app is
 * kept for inspection (KEEP=1 reuses its node_modules on the next run).
 */
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const { SMTPServer } = require('smtp-server');

/** The floor of the `@strapi/strapi` peer dependency (server/src/config/strapi-version.ts). */
const FLOOR = '5.37.1';
/**
 * The newest 5.x that installs: the registry lists 5.55.x, but its own @strapi/*@5.55.1
 * dependencies are missing there (docs: /work/shared/STRAPI-NOTES.md). Raise it when a newer
 * release installs.
 */
const NEWEST = '5.54.0';
/** create-strapi-app releases on the registry start again at 5.40.0 after 5.26.0. */
const OLDEST_CREATOR = '5.40.0';

const versions = process.argv.slice(2).length ? process.argv.slice(2) : [FLOOR, NEWEST];
const WORK = process.env.CONSUMER_DIR || path.join(os.tmpdir(), 'consent-consumer');
const PG = {
  host: process.env.PGHOST || '127.0.0.1',
  port: process.env.PGPORT || '5432',
  user: process.env.PGUSER || 'postgres',
};

const t0 = Date.now();
const since = (t) => `${((Date.now() - t) / 1000).toFixed(0)} s`;
const log = (msg) => console.log(`[consumer ${since(t0)}] ${msg}`);
const fail = (msg) => {
  throw new Error(msg);
};
const cmp = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i += 1) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
};

const run = (cmd, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out.slice(-4000)}`))
    );
  });

/** The code block after `<!-- consumer-test: name -->` in docs/install.md. */
const docBlock = (name) => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'install.md'), 'utf8');
  const marker = `<!-- consumer-test: ${name} -->`;
  const at = doc.indexOf(marker);
  if (at < 0) fail(`docs/install.md has no block marked "${marker}"`);
  const m = /```ts\n([\s\S]*?)```/.exec(doc.slice(at));
  if (!m) fail(`no code block after "${marker}" in docs/install.md`);
  return m[1];
};

/**
 * The creator's config/plugins.ts with the documented keys added to the object it returns
 * (as the docs say: keep the creator's typed form, add the keys) and the documented imports.
 */
const pluginsConfig = (creatorFile) => {
  const block = docBlock('config/plugins.ts').split('\n');
  const imports = block.filter((l) => l.startsWith('import ') && !creatorFile.includes(l));
  const start = block.findIndex((l) => l.includes('the keys the creator wrote'));
  const end = block.lastIndexOf('});');
  if (start < 0 || end < start) fail('docs/install.md config/plugins.ts block: markers not found');
  const keys = block.slice(start + 1, end).join('\n');
  const open = '): Core.Config.Plugin => ({';
  if (!creatorFile.includes(open)) fail(`the creator's config/plugins.ts has no "${open}"`);
  return imports.join('\n') + '\n' + creatorFile.replace(open, `${open}\n${keys}\n`);
};

/** A free port: `preferred` if it is free, else one the system picks. */
const freePort = (preferred = 0) =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(freePort(0)));
    s.listen(preferred, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const psql = (sql) =>
  execFileSync(
    'psql',
    ['-h', PG.host, '-p', PG.port, '-U', PG.user, '-d', 'postgres', '-qtAc', sql],
    {
      encoding: 'utf8',
    }
  );

/** An SMTP sink; resolves `mails` as they arrive. */
const smtpSink = async () => {
  const mails = [];
  const waiters = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d) => (raw += d));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        waiters.splice(0).forEach((w) => w());
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    mails,
    async waitFor(pred, ms = 30_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = mails.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline)
          fail(`no mail arrived within ${ms / 1000} s (${mails.length} others)`);
        await new Promise((r) => {
          waiters.push(r);
          setTimeout(r, 500);
        });
      }
    },
    close: () => new Promise((r) => server.close(r)),
  };
};

const pack = async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'index.js')))
    fail('dist/ is missing: run `npm run build` first');
  fs.mkdirSync(WORK, { recursive: true });
  const out = await run('npm', ['pack', '--json', '--pack-destination', WORK], { cwd: ROOT });
  const [{ filename }] = JSON.parse(out.slice(out.indexOf('[')));
  return path.join(WORK, filename);
};

async function consumer(version, tarball) {
  const started = Date.now();
  const times = {};
  const step = async (name, fn) => {
    const t = Date.now();
    log(`${version}: ${name}`);
    const result = await fn();
    times[name] = Math.round((Date.now() - t) / 1000);
    return result;
  };
  const app = path.join(WORK, `app-${version}`);
  const database = `consumer_${version.replaceAll('.', '_')}`;
  const keep = process.env.KEEP === '1' && fs.existsSync(path.join(app, 'node_modules', '@strapi'));

  await step('create app', async () => {
    if (keep) {
      for (const f of fs.readdirSync(app))
        if (f !== 'node_modules') fs.rmSync(path.join(app, f), { recursive: true, force: true });
      // The same name and version from a new tarball: npm would keep the old files.
      fs.rmSync(path.join(app, 'node_modules', 'strapi-plugin-consent'), {
        recursive: true,
        force: true,
      });
    } else {
      fs.rmSync(app, { recursive: true, force: true });
    }
    const creator = cmp(version, OLDEST_CREATOR) < 0 ? OLDEST_CREATOR : version;
    const tmp = `${app}.new`;
    fs.rmSync(tmp, { recursive: true, force: true });
    await run(
      'npx',
      [
        '-y',
        `create-strapi-app@${creator}`,
        path.basename(tmp),
        '--ts',
        '--use-npm',
        '--no-install',
        '--skip-cloud',
        '--no-example',
        '--no-git-init',
        '--non-interactive',
        '--no-run',
        '--dbclient',
        'postgres',
        '--dbhost',
        PG.host,
        '--dbport',
        PG.port,
        '--dbname',
        database,
        '--dbusername',
        PG.user,
        '--dbpassword',
        '',
      ],
      { cwd: WORK }
    );
    fs.rmSync(path.join(tmp, 'node_modules'), { recursive: true, force: true });
    fs.mkdirSync(app, { recursive: true });
    for (const f of fs.readdirSync(tmp)) fs.renameSync(path.join(tmp, f), path.join(app, f));
    fs.rmSync(tmp, { recursive: true, force: true });

    // create-strapi-app 5.40 writes no JWT_SECRET, and users-permissions 5.37 makes one up only
    // in development: `strapi start` stops with "Missing jwtSecret" (the creator's own gap).
    const envFile = path.join(app, '.env');
    if (!/^JWT_SECRET=/m.test(fs.readFileSync(envFile, 'utf8'))) {
      fs.appendFileSync(envFile, `JWT_SECRET=${crypto.randomBytes(16).toString('base64')}\n`);
    }

    const pkgFile = path.join(app, 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    for (const name of Object.keys(pkg.dependencies)) {
      if (name.startsWith('@strapi/')) pkg.dependencies[name] = version;
    }
    // An app made by a newer creator: pin the admin too, or @strapi/content-manager's peer
    // resolves to a newer admin and the build fails.
    if (creator !== version) pkg.dependencies['@strapi/admin'] = version;
    pkg.dependencies['@strapi/provider-email-nodemailer'] = version;
    pkg.dependencies['strapi-plugin-consent'] = `file:${tarball}`;
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');

    // Customers and appointments (Draft & Publish), as a host would have them.
    for (const type of ['customer', 'appointment']) {
      fs.cpSync(
        path.join(ROOT, 'tests', 'apps', 'customer-app', 'src', 'api', type),
        path.join(app, 'src', 'api', type),
        { recursive: true }
      );
    }
    const plugins = path.join(app, 'config', 'plugins.ts');
    fs.writeFileSync(plugins, pluginsConfig(fs.readFileSync(plugins, 'utf8')));
    fs.writeFileSync(path.join(app, 'src', 'smtp-socket.ts'), docBlock('src/smtp-socket.ts'));
  });

  const install = await step('npm install', () =>
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app })
  );
  const badEngines = [
    ...install.matchAll(/package: '([^']+)',\n[^\n]*required: \{ node: '([^']+)'/g),
  ].map((m) => `${m[1]} (node ${m[2]})`);
  const installed = JSON.parse(
    fs.readFileSync(path.join(app, 'node_modules', '@strapi', 'strapi', 'package.json'), 'utf8')
  ).version;
  if (installed !== version) fail(`@strapi/strapi ${installed} installed, not ${version}`);

  await step('strapi build', () =>
    run('npx', ['strapi', 'build'], { cwd: app, env: { ...process.env, NODE_ENV: 'production' } })
  );

  // One copy of the design system in the admin bundle: a string from its Table context.
  const copies = await step('bundle check', () => {
    const dir = path.join(app, 'dist', 'build');
    const files = fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.js'));
    let n = 0;
    for (const f of files) {
      n +=
        fs.readFileSync(path.join(dir, f), 'utf8').split('setTableValues must be initialized')
          .length - 1;
    }
    return n;
  });
  if (copies !== 1) fail(`the admin bundle holds ${copies} copies of @strapi/design-system, not 1`);

  psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  psql(`CREATE DATABASE ${database}`);
  const smtp = await smtpSink();
  // Outside the ephemeral range other test servers on this machine take ports from.
  const port = await freePort(20_000 + crypto.randomInt(10_000));
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const server = spawn('npx', ['strapi', 'start'], {
    cwd: app,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: base,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      STRAPI_TELEMETRY_DISABLED: 'true',
    },
  });
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  const stop = async () => {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('close', r)));
  };

  const http = async (method, url, body, token) => {
    const res = await fetch(base + url, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  };
  const expectStatus = (res, status, what) => {
    if (![status].flat().includes(res.status))
      fail(`${what}: ${res.status}, expected ${status}: ${JSON.stringify(res.body).slice(0, 600)}`);
    return res.body;
  };

  try {
    await step('start', async () => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        if (server.exitCode !== null)
          fail(`strapi start exited ${server.exitCode}:\n${output.slice(-4000)}`);
        try {
          // Our server's own line too: another app on this machine may have held the port a moment ago.
          if (
            /started successfully/i.test(output) &&
            (await fetch(`${base}/_health`)).status === 204
          )
            return;
        } catch {
          /* not yet */
        }
        if (Date.now() > deadline) fail(`not healthy within 120 s:\n${output.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    });

    await step('scenario', async () => {
      const admin = expectStatus(
        await http('POST', '/admin/register-admin', {
          firstname: 'Consumer',
          lastname: 'Test',
          email: 'admin@consumer.example.com',
          password: 'Consumer-test-2026',
        }),
        [200, 201],
        'register the first admin'
      );
      const token = admin.data.token ?? admin.data.accessToken;

      // The public role: create on appointments, nothing else.
      const roles = expectStatus(
        await http('GET', '/users-permissions/roles', undefined, token),
        200,
        'roles'
      );
      const publicRole = roles.roles.find((r) => r.type === 'public');
      const role = expectStatus(
        await http('GET', `/users-permissions/roles/${publicRole.id}`, undefined, token),
        200,
        'public role'
      ).role;
      role.permissions['api::appointment'].controllers.appointment.create.enabled = true;
      expectStatus(
        await http(
          'PUT',
          `/users-permissions/roles/${publicRole.id}`,
          {
            name: role.name,
            description: role.description,
            permissions: role.permissions,
          },
          token
        ),
        200,
        'grant appointment.create to the public role'
      );

      expectStatus(
        await http(
          'POST',
          '/consent/purposes',
          {
            key: 'storage',
            name: 'Storage of personal data',
            legalBasis: 'consent',
            required: true,
          },
          token
        ),
        201,
        'create a purpose'
      );
      const bodies = (v) => ({
        en: {
          title: 'Storage of personal data',
          text: `Version ${v}: we keep your customer card.`,
        },
      });
      expectStatus(
        await http(
          'POST',
          '/consent/purposes/storage/versions',
          { changeKind: 'substantive', bodies: bodies(1) },
          token
        ),
        201,
        'publish a text'
      );

      const booking = await http('POST', '/api/appointments', {
        data: {
          at: '2026-12-15T10:00:00.000Z',
          treatment: 'Massage',
          contact: { name: 'Karen Holm', email: 'karen.holm@example.com', language: 'en' },
          consent: { locale: 'en', given: ['storage'], versions: { storage: '1.0' } },
        },
      });
      if (booking.status !== 200 && booking.status !== 201)
        fail(`book with consent: ${booking.status} ${JSON.stringify(booking.body)}`);
      const customers = expectStatus(
        await http('GET', '/consent/clients?q=karen.holm', undefined, token),
        200,
        'find the client'
      );
      const client = customers.data.find((c) => /karen/i.test(JSON.stringify(c)));
      if (!client) fail(`the booking made no client: ${JSON.stringify(customers)}`);
      const before = expectStatus(
        await http('GET', `/consent/subjects/${client.documentId}`, undefined, token),
        200,
        'the client consent'
      );
      if (before.data?.valid !== true && before.valid !== true)
        fail(`the booking's consent is not valid: ${JSON.stringify(before)}`);

      expectStatus(
        await http(
          'POST',
          '/consent/purposes/storage/versions',
          { changeKind: 'substantive', bodies: bodies(2) },
          token
        ),
        201,
        'publish a substantive version'
      );

      // No organisation name yet: the request is refused and nothing is queued.
      const refused = await http(
        'POST',
        `/consent/subjects/${client.documentId}/requests`,
        {},
        token
      );
      if (refused.status !== 400 || !JSON.stringify(refused.body).includes('organisation'))
        fail(
          `a request without an organisation name: ${refused.status} ${JSON.stringify(refused.body)}`
        );
      expectStatus(
        await http(
          'PUT',
          '/consent/settings',
          { sender: { organisation: 'Consumer Salon' } },
          token
        ),
        200,
        'set the organisation name'
      );
      expectStatus(
        await http('POST', `/consent/subjects/${client.documentId}/requests`, {}, token),
        201,
        'send a consent request'
      );
      const mail = await smtp.waitFor((m) => m.to.includes('karen.holm@example.com'));
      if (!mail.raw.includes('Consumer Salon'))
        fail(`the mail does not name the organisation:\n${mail.raw.slice(0, 1000)}`);
    });
  } catch (error) {
    error.message += `\n--- strapi log (tail) ---\n${output.slice(-3000)}`;
    throw error;
  } finally {
    await stop();
    await smtp.close();
  }
  psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  return { version, seconds: Math.round((Date.now() - started) / 1000), times, badEngines };
}

const results = [];
let failed = false;
const tarball = await pack();
log(`packed ${path.basename(tarball)}`);
for (const version of versions) {
  try {
    results.push(await consumer(version, tarball));
    log(`${version}: passed`);
  } catch (error) {
    failed = true;
    console.error(`[consumer] ${version}: FAILED\n${error.stack ?? error}`);
    results.push({ version, failed: true });
  }
}
console.log('\nconsumer test (Node ' + process.version + '):');
for (const r of results) {
  console.log(
    r.failed
      ? `  ${r.version}: FAILED`
      : `  ${r.version}: passed in ${r.seconds} s (${Object.entries(r.times)
          .map(([k, v]) => `${k} ${v} s`)
          .join(', ')})` +
          (r.badEngines.length ? `\n    EBADENGINE: ${[...new Set(r.badEngines)].join(', ')}` : '')
  );
}
process.exit(failed ? 1 : 0);
