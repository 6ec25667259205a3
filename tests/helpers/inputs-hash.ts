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

/**
 * A content hash of what a build is made of (folders walked, files as they are; missing
 * ones left out), so a build is skipped while its inputs are the same. Content rather than
 * file times: `npm test` rebuilds the plugin's dist each run, which would look new by date.
 * (playground/scripts/demo.mjs, a plain script, keeps its own copy of these lines.)
 */
export const inputsHash = ({ dirs = [], files = [] }: { dirs?: string[]; files?: string[] }) => {
  const hash = createHash('sha256');
  const all = [...dirs.flatMap(filesUnder), ...files.filter((file) => fs.existsSync(file))].sort();
  for (const file of all) {
    hash.update(path.relative(ROOT, file));
    hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex');
};
