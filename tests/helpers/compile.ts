import { compileStrapi } from '@strapi/strapi';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths';

const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? filesUnder(full) : [full];
      })
    : [];

/** What an app's compiled output is made of: its sources, config, TypeScript settings and the locked dependencies. */
const inputsHash = (appDir: string): string => {
  const hash = createHash('sha256');
  const files = [
    ...filesUnder(path.join(appDir, 'src')),
    ...filesUnder(path.join(appDir, 'config')),
    ...filesUnder(path.join(appDir, 'database')),
    path.join(appDir, 'tsconfig.json'),
    path.join(appDir, 'package.json'),
    path.join(ROOT, 'package-lock.json'),
  ]
    .filter((file) => fs.existsSync(file))
    .sort();
  for (const file of files) {
    hash.update(path.relative(ROOT, file));
    hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex');
};

/**
 * `compileStrapi` (the TypeScript build of a test app into its dist/, about 8 s of CPU),
 * skipped when the app's inputs hash the same as at the last compile: the integration,
 * fault and browser projects' setups each ask for the demo, and the three databases' runs
 * of `.ci/run` too. TEST_RECOMPILE=true always compiles.
 */
export const ensureCompiled = async (appDir: string): Promise<'compiled' | 'reused'> => {
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  const stamp = path.join(appDir, 'dist', '.consent-compile-stamp');
  const hash = inputsHash(appDir);
  if (
    process.env.TEST_RECOMPILE !== 'true' &&
    fs.existsSync(path.join(appDir, 'dist', 'config')) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, 'utf8') === hash
  )
    return 'reused';
  fs.rmSync(stamp, { force: true });
  await compileStrapi({ appDir });
  fs.writeFileSync(stamp, hash);
  return 'compiled';
};
