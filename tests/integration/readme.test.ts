import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startApp, type TestApp } from '../helpers/app';
import { subjectConsent } from '../helpers/consent';
import { ROOT } from '../helpers/paths';

let app: TestApp;
let base: string;
beforeAll(async () => {
  app = await startApp();
  await new Promise<void>((resolve) =>
    app.strapi.server.httpServer.listen(0, '127.0.0.1', resolve)
  );
  base = `http://127.0.0.1:${(app.strapi.server.httpServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app?.stop();
});

/** The shell blocks of docs/content-api.md (moved from the README) marked "runs-in-tests", pointed at this test server. */
const examples = () =>
  [
    ...fs
      .readFileSync(path.join(ROOT, 'docs', 'content-api.md'), 'utf8')
      .matchAll(/```sh\n([\s\S]*?)```/g),
  ]
    .map((m) => m[1])
    .filter((block) => block.includes('# runs-in-tests'))
    .map((block) => block.replaceAll('http://localhost:1337', base));

describe('README examples', () => {
  it('the booking front-end flow runs as written and records the consent', async () => {
    const blocks = examples();
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      // Asynchronously: the server answering curl runs in this very process.
      const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', block], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(stdout).toContain('"data"');
    }
    const client = await app.strapi.db
      .query('api::client.client')
      .findOne({ where: { email: 'maja.berg@example.com' } });
    expect(client).not.toBeNull();
    const consent = await subjectConsent(app, client.documentId);
    expect(consent).toMatchObject({ valid: true });
    const status = Object.fromEntries(consent.purposes.map((p) => [p.purpose, p.status]));
    expect(status).toMatchObject({ storage: 'valid', health: 'valid', marketing: 'refused' });
  });
});
