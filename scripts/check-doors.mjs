#!/usr/bin/env node
// Every feature module (a folder listed below) has one door, its index.ts: a file outside the
// module imports from the door, never from a file inside it. Run by .ci/run (`npm run check:doors`);
// exits 1 and lists each import that goes around a door, and each raw SQL call (knex .raw, whereRaw, ...)
// outside a module's queries file(s) and server/src/utils. docs/architecture.md explains the modules.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODULES = [
  'server/src/host',
  'server/src/ledger',
  'server/src/texts',
  'server/src/requests',
  'server/src/pages',
  'server/src/proof',
  'server/src/rights',
  'server/src/clients',
  'server/src/dsr',
  'server/src/contracts',
  'admin/src/api',
].map((m) => path.join(ROOT, m));
// Page-only components: one admin screen does not reach into another's folder.
const PAGES = path.join(ROOT, 'admin/src/pages');
for (const entry of fs.readdirSync(PAGES, { withFileTypes: true })) {
  if (entry.isDirectory()) MODULES.push(path.join(PAGES, entry.name));
}
const SCANNED = ['server/src', 'admin/src', 'tests', 'bench', 'strapi-server.ts'].map((p) =>
  path.join(ROOT, p)
);

const sourceFiles = (p) => {
  if (!fs.existsSync(p)) return [];
  if (fs.statSync(p).isFile()) return [p];
  return fs.readdirSync(p, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'apps') return [];
    const full = path.join(p, e.name);
    return e.isDirectory() ? sourceFiles(full) : /\.(ts|tsx)$/.test(e.name) ? [full] : [];
  });
};

const resolve = (from, spec) => {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.tsx'),
  ]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
};
const moduleOf = (file) =>
  MODULES.filter((m) => file.startsWith(m + path.sep)).sort((a, b) => b.length - a.length)[0] ??
  null;
// An admin screen's folder opens through its page component (App.tsx routes to it, lazily).
const isDoor = (file, mod) =>
  path.dirname(file) === mod &&
  (/^index\.tsx?$/.test(path.basename(file)) ||
    (mod.startsWith(PAGES + path.sep) && /Page\.tsx$/.test(file)));

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
const violations = [];
for (const file of SCANNED.flatMap(sourceFiles)) {
  const text = fs.readFileSync(file, 'utf8');
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (!spec.startsWith('.')) continue;
    const target = resolve(file, spec);
    if (!target) continue;
    const mod = moduleOf(target);
    if (!mod || isDoor(target, mod) || moduleOf(file) === mod || file.startsWith(mod + path.sep))
      continue;
    const line = text.slice(0, match.index).split('\n').length;
    violations.push(
      `${path.relative(ROOT, file)}:${line} imports ${spec} (inside ${path.relative(ROOT, mod)}; use its index.ts)`
    );
  }
}
// SQL written by hand (knex's raw forms) stays in a module's queries.ts or queries/ folder, or in
// server/src/utils (the shared SQL helpers): a service calls named queries (docs/architecture.md).
const RAW = /\.(?:raw|whereRaw|orWhereRaw|andWhereRaw|havingRaw|groupByRaw|orderByRaw|joinRaw)\(/;
const SERVER = path.join(ROOT, 'server/src');
const isQueriesFile = (file) =>
  file.startsWith(path.join(SERVER, 'utils') + path.sep) ||
  /[\\/]queries(?:\.ts|[\\/])/.test(path.relative(SERVER, file));
const rawSql = [];
for (const file of sourceFiles(SERVER)) {
  if (isQueriesFile(file)) continue;
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (RAW.test(line)) rawSql.push(`${path.relative(ROOT, file)}:${i + 1}`);
    });
}

if (violations.length || rawSql.length) {
  if (violations.length)
    console.error(
      `${violations.length} import(s) go around a module's door:\n${violations.join('\n')}`
    );
  if (rawSql.length)
    console.error(
      `${rawSql.length} raw SQL call(s) outside a queries file or utils/ (move them to the module's queries.ts):\n${rawSql.join('\n')}`
    );
  process.exit(1);
}
console.log(
  `doors: ${MODULES.length} modules, every import from outside goes through index.ts; raw SQL only in queries files and utils/`
);
