import type request from 'supertest';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import { login, type TestApp } from './app';
import { auth } from './consent';

/** Read a download's body as raw bytes (supertest otherwise decodes text and drops binary). */
export const binary = (
  res: NodeJS.ReadableStream,
  callback: (error: Error | null, body: Buffer) => void
) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
  res.on('error', (error: Error) => callback(error, Buffer.alloc(0)));
};

export const download = (req: request.Test) => req.buffer(true).parse(binary as never);

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF rows). */
export const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += ch;
  }
  return rows;
};

/** Every file of a ZIP, by name, read with yauzl (checks the CRC of each entry as it reads). */
export const unzip = (buffer: Buffer): Promise<Map<string, Buffer>> =>
  new Promise((resolve, reject) => {
    fromBuffer(buffer, { lazyEntries: true }, (error: Error | null, zip?: ZipFile) => {
      if (error || !zip) return reject(error);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });

/** An admin whose role has only the plugin's "read" action: the export routes must refuse them. */
export const readOnlyAdmin = async (app: TestApp, email: string): Promise<string> => {
  const token = await app.adminToken();
  const role = await app
    .http()
    .post('/admin/roles')
    .set(auth(token))
    .send({ name: `Consent reader ${email}`, description: 'read only' });
  if (role.status !== 201) throw new Error(`role: ${role.status} ${JSON.stringify(role.body)}`);
  const perms = await app
    .http()
    .put(`/admin/roles/${role.body.data.id}/permissions`)
    .set(auth(token))
    .send({
      permissions: [
        { action: 'plugin::consent.read', subject: null, properties: {}, conditions: [] },
      ],
    });
  if (perms.status !== 200) throw new Error(`permissions: ${perms.status}`);
  await app.strapi.service('admin::user').create({
    email,
    firstname: 'Read',
    lastname: 'Only',
    password: 'Reader-pass-2026',
    isActive: true,
    registrationToken: null,
    roles: [role.body.data.id],
  });
  return login(app.http(), email, 'Reader-pass-2026');
};
