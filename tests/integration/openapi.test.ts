import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { baseEnv } from '../helpers/app';
import { APP_DIR } from '../helpers/paths';

/** `strapi openapi generate` on the demo app documents the plugin's public routes and the booking's consent input. */
describe('OpenAPI document', () => {
  it('describes /consent/texts, /consent/me and the consent input of POST /bookings', async () => {
    const output = path.join(APP_DIR, '.tmp', `openapi-${process.env.JEST_WORKER_ID ?? 1}.json`);
    // Its own secrets (a clean clone has no playground/.env) and its own SQLite file:
    // the document does not depend on the database engine.
    const dbFile = path.join('.tmp', `openapi-${process.env.JEST_WORKER_ID ?? 1}.db`);
    fs.rmSync(path.join(APP_DIR, dbFile), { force: true });
    const env = {
      ...process.env,
      ...baseEnv(),
      DATABASE_CLIENT: 'sqlite',
      DATABASE_FILENAME: dbFile,
      LOG_LEVEL: 'error',
    };
    execFileSync(
      path.join(APP_DIR, '..', 'node_modules', '.bin', 'strapi'),
      ['openapi', 'generate', '-o', output],
      {
        cwd: APP_DIR,
        env,
        stdio: 'pipe',
        timeout: 90_000,
      }
    );
    const doc = JSON.parse(fs.readFileSync(output, 'utf8'));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/consent/texts',
        '/consent/me',
        '/consent/me/decisions',
        '/bookings',
      ])
    );

    const texts = doc.paths['/consent/texts'].get;
    expect(texts.parameters.map((p: { name: string }) => p.name)).toEqual(['locale']);
    const item = texts.responses['200'].content['application/json'].schema.properties.data.items;
    expect(Object.keys(item.properties)).toEqual(
      expect.arrayContaining(['purpose', 'version', 'sha256', 'explicit', 'required'])
    );

    const booking = doc.paths['/bookings'].post.requestBody.content['application/json'].schema;
    const consent = booking.properties.consent ?? booking.properties.data.properties.consent;
    expect(Object.keys(consent.properties).sort()).toEqual([
      'explicit',
      'given',
      'locale',
      'refused',
      'versions',
    ]);
    expect(consent.properties.given.maxItems).toBe(50);

    const decide =
      doc.paths['/consent/me/decisions'].post.requestBody.content['application/json'].schema;
    expect(decide.properties.decisions.items.properties.decision.enum).toEqual([
      'given',
      'refused',
      'withdrawn',
    ]);
    fs.rmSync(output, { force: true });
  });
});
