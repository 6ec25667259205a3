import fs from 'node:fs';
import path from 'node:path';
import { ensureCompiled } from './compile';
import { APP_DIR, ROOT } from './paths';

/** Once per run: the plugin must be built (npm test does it) and the demo app compiled (or its dist reused, compile.ts). */
export default async function globalSetup() {
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'index.js'))) {
    throw new Error('The plugin is not built: run `npm run build` (npm test does it for you)');
  }
  await ensureCompiled(APP_DIR);
}
