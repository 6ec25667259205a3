/** The demo's settings as Strapi will read them: the environment first, then playground/.env. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const envFile = join(appDir, '.env');

export const setting = (name) =>
  process.env[name] ??
  (existsSync(envFile)
    ? readFileSync(envFile, 'utf8')
        .match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1]
        ?.trim()
        .replace(/^["']|["']$/g, '')
    : undefined);
