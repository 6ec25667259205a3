import { compileStrapi } from '@strapi/strapi';
import fs from 'node:fs';
import path from 'node:path';
import { inputsHash } from './inputs-hash';
import { ROOT } from './paths';

/** What an app's compiled output is made of: its sources, config, TypeScript settings and the locked dependencies. */
const appInputs = (appDir: string): string =>
  inputsHash({
    dirs: ['src', 'config', 'database'].map((dir) => path.join(appDir, dir)),
    files: [
      path.join(appDir, 'tsconfig.json'),
      path.join(appDir, 'package.json'),
      path.join(ROOT, 'package-lock.json'),
    ],
  });

/**
 * `compileStrapi` (the TypeScript build of a test app into its dist/, about 8 s of CPU),
 * skipped when the app's inputs hash the same as at the last compile: the integration,
 * fault and browser projects' setups each ask for the demo, and the three databases' runs
 * of `.ci/run` too. TEST_RECOMPILE=true always compiles.
 */
export const ensureCompiled = async (appDir: string): Promise<'compiled' | 'reused'> => {
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  const stamp = path.join(appDir, 'dist', '.consent-compile-stamp');
  const hash = appInputs(appDir);
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
