#!/usr/bin/env node
/**
 * strapi-consent: proof maintenance from the command line, run in the Strapi
 * app's folder (it loads the app, as `strapi console` does, without serving HTTP).
 *
 *   npx strapi-consent verify                  verify every event chain and checkpoint
 *   npx strapi-consent checkpoint              seal the chain heads that moved now
 *   npx strapi-consent verify-receipt <file>   verify a consent receipt (JSON or JWS)
 *
 * Options: --app <dir> (default: the current folder), --json (machine-readable).
 * Exit code: 0 valid, 1 invalid (a broken link, a bad signature), 2 usage or load error.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const USAGE =
  'usage: strapi-consent <verify | checkpoint | verify-receipt <file>> [--app <dir>] [--json]';

const parseArgs = (argv) => {
  const args = { positional: [], app: process.cwd(), json: false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--app') args.app = path.resolve(argv[(i += 1)] ?? '.');
    else if (argv[i] === '--json') args.json = true;
    else args.positional.push(argv[i]);
  }
  return args;
};

const loadApp = async (appDir) => {
  process.env.STRAPI_TELEMETRY_DISABLED ??= 'true';
  const { compileStrapi, createStrapi } = require(
    require.resolve('@strapi/strapi', { paths: [appDir] })
  );
  const isTs = fs.existsSync(path.join(appDir, 'tsconfig.json'));
  const { distDir } = isTs
    ? await compileStrapi({ appDir, ignoreDiagnostics: true })
    : { distDir: appDir };
  const strapi = createStrapi({ appDir, distDir, autoReload: false, serveAdminPanel: false });
  // The command must not start the plugin's background worker or other instances' jobs.
  process.env.CONSENT_WORKER_DISABLED = 'true';
  await strapi.load();
  return strapi;
};

const print = (args, result, lines) => {
  if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${lines.join('\n')}\n`);
};

const commands = {
  async verify(strapi, args) {
    const report = await strapi
      .plugin('consent')
      .service('proof')
      .verify({ actor: { type: 'cli', name: 'strapi-consent' } });
    const lines = [
      report.ok
        ? 'OK: every chain and checkpoint verifies'
        : 'BROKEN: the proof chain does not verify',
      `events ${report.events}, subjects ${report.subjects}, checkpoints ${report.checkpoints}`,
    ];
    if (report.firstBroken) lines.push(`first broken link: ${JSON.stringify(report.firstBroken)}`);
    print(args, report, lines);
    return report.ok ? 0 : 1;
  },

  async checkpoint(strapi, args) {
    const checkpoint = await strapi
      .plugin('consent')
      .service('proof')
      .seal({ actor: { type: 'cli', name: 'strapi-consent' } });
    print(args, checkpoint, [
      checkpoint
        ? `sealed checkpoint ${checkpoint.seq}: ${checkpoint.leafCount} heads, root ${checkpoint.root}`
        : 'nothing to seal: no chain moved since the last checkpoint',
    ]);
    return 0;
  },

  async 'verify-receipt'(strapi, args) {
    const file = args.positional[1];
    if (!file) throw Object.assign(new Error(USAGE), { usage: true });
    const text = fs.readFileSync(path.resolve(file), 'utf8').trim();
    let input;
    try {
      input = text.startsWith('{') ? JSON.parse(text) : { jws: text };
    } catch (error) {
      throw Object.assign(
        new Error(`${file} is neither JSON nor a compact JWS: ${error.message}`),
        { usage: true }
      );
    }
    const result = await strapi
      .plugin('consent')
      .service('receipts')
      .verify(input, { type: 'cli', name: 'strapi-consent' });
    print(args, result, [
      result.valid ? 'VALID: the receipt signature verifies' : `INVALID: ${result.reason}`,
    ]);
    return result.valid ? 0 : 1;
  },
};

const main = async () => {
  const args = parseArgs(process.argv.slice(2));
  const command = commands[args.positional[0]];
  if (!command) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let strapi;
  try {
    strapi = await loadApp(args.app);
    return await command(strapi, args);
  } catch (error) {
    process.stderr.write(`strapi-consent: ${error.message}\n`);
    return 2;
  } finally {
    await strapi?.destroy().catch(() => undefined);
  }
};

main().then((code) => process.exit(code));
