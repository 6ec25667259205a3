import type { Core } from '@strapi/strapi';
import type { TestApp } from './app';

let counter = 0;

/** A new client of the demo app, created the way the host app creates them. */
export const createClient = async (
  strapi: Core.Strapi,
  data: Partial<{ name: string; email: string | null; phone: string | null; language: string }> = {}
): Promise<string> => {
  counter += 1;
  const client = await strapi.documents('api::client.client').create({
    data: {
      name: `Test Client ${counter}`,
      email: `test.client.${counter}.${Date.now()}@example.com`,
      language: 'en',
      ...data,
    },
  });
  return client.documentId;
};

/** Row counts of the plugin's tables: "nothing written" is checked by comparing two of these. */
export const ledgerCounts = async (strapi: Core.Strapi) => {
  const count = (table: string) => rowCount(strapi, table);
  return {
    events: await count('consent_events'),
    states: await count('consent_states'),
    subjects: await count('consent_subjects'),
    texts: await count('consent_texts'),
    purposes: await count('consent_purposes'),
  };
};

export const auth = (token: string) => ({
  Authorization: `Bearer ${token}`,
  'User-Agent': 'consent-tests/1.0',
});

export const recordDecisions = async (app: TestApp, subject: string, body: unknown) =>
  app
    .http()
    .post(`/consent/subjects/${subject}/decisions`)
    .set(auth(await app.adminToken()))
    .send(body as object);

export const publishVersion = async (app: TestApp, purpose: string, body: unknown) =>
  app
    .http()
    .post(`/consent/purposes/${purpose}/versions`)
    .set(auth(await app.adminToken()))
    .send(body as object);

export const subjectConsent = async (app: TestApp, subject: string) => {
  const res = await app
    .http()
    .get(`/consent/subjects/${subject}`)
    .set(auth(await app.adminToken()));
  if (res.status !== 200)
    throw new Error(`consent of ${subject}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as {
    valid: boolean;
    status: string;
    purposes: {
      purpose: string;
      status: string;
      currentVersion: string | null;
      decision: { version: string } | null;
    }[];
  };
};

/** Every subject (documentId) with or without valid consent, following the keyset pages. */
export const subjectsByConsent = async (
  app: TestApp,
  consent: 'valid' | 'invalid'
): Promise<string[]> => {
  const ids: string[] = [];
  let after = 0;
  for (;;) {
    const res = await app
      .http()
      .get('/consent/subjects')
      .query({ consent, after, limit: 200 })
      .set(auth(await app.adminToken()));
    if (res.status !== 200) throw new Error(`subjects: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(...res.body.data.map((row: { documentId: string }) => row.documentId));
    if (res.body.meta.next === null) return ids;
    after = res.body.meta.next;
  }
};

export const bodies = (suffix: string) => ({
  en: { title: 'Storage of personal data', text: `English text ${suffix}` },
  da: { title: 'Opbevaring af personoplysninger', text: `Dansk tekst ${suffix}` },
  sv: { title: 'Lagring av personuppgifter', text: `Svensk text ${suffix}` },
});

/** Rows of a table (optionally matching `where`), read straight from the database. */
export const rowCount = async (
  strapi: Core.Strapi,
  table: string,
  where: Record<string, unknown> = {}
): Promise<number> =>
  Number(
    (
      (await strapi.db.connection(table).where(where).count({ n: '*' }).first()) as {
        n: number | string;
      }
    ).n
  );

/** A client's email address, as the mail to it is addressed. */
export const clientEmail = async (strapi: Core.Strapi, client: string): Promise<string> => {
  const found = await strapi.documents('api::client.client').findOne({ documentId: client });
  return found!.email as string;
};
