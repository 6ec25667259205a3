import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { baseEnv } from './app';
import { inputsHash } from './inputs-hash';
import { APP_DIR, DIST_DIR, ROOT } from './paths';

/** Where `strapi build` puts the admin bundle, and where Strapi serves it from. */
export const ADMIN_BUILD_DIR = path.join(DIST_DIR, 'build');
const STAMP = path.join(ADMIN_BUILD_DIR, '.consent-e2e-stamp');

/**
 * What the admin bundle is made of: the plugin's built admin code, the demo app's
 * sources and config, and the locked dependency versions.
 */
const adminInputs = (): string =>
  inputsHash({
    dirs: [
      path.join(ROOT, 'dist', 'admin'),
      path.join(APP_DIR, 'src'),
      path.join(APP_DIR, 'config'),
    ],
    files: [path.join(ROOT, 'package-lock.json')],
  });

const runStrapiBuild = () =>
  new Promise<void>((resolve, reject) => {
    const output: Buffer[] = [];
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'build'],
      {
        cwd: APP_DIR,
        // The build reads the app's config, which asks for secrets; any will do.
        env: {
          ...process.env,
          ...baseEnv(),
          NODE_ENV: 'production',
          STRAPI_TELEMETRY_DISABLED: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    );
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`strapi build failed (${code}):\n${Buffer.concat(output).toString('utf8')}`)
          )
    );
  });

/**
 * Build the demo app's admin panel (with the plugin's admin code in it), or reuse
 * the bundle of an earlier run when nothing it is made of has changed (a hash of
 * its inputs: in CI the first database's run builds it and the next two reuse it).
 * E2E_REBUILD_ADMIN=true always builds fresh.
 */
export const ensureAdminBuild = async (): Promise<'built' | 'reused'> => {
  const hash = adminInputs();
  const fresh = process.env.E2E_REBUILD_ADMIN === 'true';
  if (!fresh && fs.existsSync(path.join(ADMIN_BUILD_DIR, 'index.html')) && fs.existsSync(STAMP)) {
    if (fs.readFileSync(STAMP, 'utf8') === hash) return 'reused';
  }
  fs.rmSync(ADMIN_BUILD_DIR, { recursive: true, force: true });
  await runStrapiBuild();
  if (!fs.existsSync(path.join(ADMIN_BUILD_DIR, 'index.html'))) {
    throw new Error(`strapi build finished but ${ADMIN_BUILD_DIR}/index.html is missing`);
  }
  fs.writeFileSync(STAMP, hash);
  return 'built';
};
