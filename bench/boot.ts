/**
 * Where the bench finds the demo app and writes its results, what has to be
 * done before the demo app can boot (compile it unless --no-compile, check that
 * the plugin is built), and writing a bench's results file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ms } from './lib';

export const ROOT = path.resolve(__dirname, '..');
export const APP_DIR = path.join(ROOT, 'playground');
export const RESULTS = path.join(__dirname, 'results');

/** compileStrapi({ appDir: playground }) unless `compile` is false, then refuse to go on without dist/server/index.js. */
export const prepareDemoApp = async ({ compile }: { compile: boolean }): Promise<void> => {
  if (compile) {
    const t = process.hrtime.bigint();
    process.env.STRAPI_TELEMETRY_DISABLED = 'true';
    const { compileStrapi } = await import('@strapi/strapi');
    await compileStrapi({ appDir: APP_DIR });
    console.log(`compiled the demo app in ${(ms(t) / 1000).toFixed(1)} s`);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'index.js'))) {
    throw new Error('The plugin is not built: run `npm run build` first');
  }
};

/** Write bench/results/<file>: when, which Node, how many CPUs, then `figures`, as indented JSON. */
export const writeResults = (file: string, figures: Record<string, unknown>): void => {
  const out = path.join(RESULTS, file);
  fs.writeFileSync(
    out,
    JSON.stringify(
      { at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, ...figures },
      null,
      2
    )
  );
  console.log(`\nwritten ${path.relative(ROOT, out)}`);
};
