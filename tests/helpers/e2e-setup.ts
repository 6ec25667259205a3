import fs from 'node:fs';
import path from 'node:path';
import { ensureAdminBuild } from './admin-build';
import { ensureCompiled } from './compile';
import { APP_DIR, ROOT } from './paths';

/**
 * Once per run of the browser tests: the plugin must be built (npm test does it);
 * the demo app is compiled and its admin panel built, or reused when nothing it
 * is made of changed (E2E_REBUILD_ADMIN=true builds it fresh).
 */
export default async function e2eSetup() {
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  if (!fs.existsSync(path.join(ROOT, 'dist', 'admin', 'index.js'))) {
    throw new Error('The plugin is not built: run `npm run build` (npm test does it for you)');
  }
  const started = Date.now();
  const result = await ensureAdminBuild();
  await ensureCompiled(APP_DIR);
  process.stdout.write(
    `\n[e2e] admin panel ${result} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`
  );
}
