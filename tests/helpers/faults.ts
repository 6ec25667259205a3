import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { BOOKING, newContact } from './booking';
import { testDatabase } from './database';
import { ROOT } from './paths';

/**
 * The fault suite (tests/faults, issue 18 point 7) needs PostgreSQL: it runs several
 * instances on one database and terminates one instance's sessions by their
 * application_name. SQLite is one process's file (no second instance); MariaDB has
 * no application_name to pick an instance's connections by, and this machine's
 * time budget is spent on PostgreSQL, the database the production setups use.
 */
export const faultSuite = (title: string, body: () => void) =>
  testDatabase() === 'postgres'
    ? describe(title, body)
    : describe.skip(
        `${title} (skipped on ${testDatabase()}: the fault suite runs on PostgreSQL, TEST_DB=postgres)`,
        body
      );

export { sleep, waitUntil, freePort } from './mail-faults';

/** The figures a case measured: printed, and kept in tests/.artifacts/faults/ for docs/operations.md. */
export const report = (name: string, figures: Record<string, unknown>) => {
  process.stdout.write(`[faults] ${name}: ${JSON.stringify(figures)}\n`);
  const dir = path.join(ROOT, 'tests', '.artifacts', 'faults');
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(
    path.join(dir, `${name}.jsonl`),
    JSON.stringify({ at: new Date().toISOString(), ...figures }) + '\n'
  );
};

/** Clients with an email each, inserted in bulk into the host's own table. */
export const insertClients = async (db: Knex, n: number, tag: string): Promise<string[]> => {
  const now = new Date();
  const rows = Array.from({ length: n }, (_, i) => ({
    document_id: 'm' + randomBytes(12).toString('hex').slice(0, 23),
    name: `Bulk ${tag} ${i}`,
    email: `bulk.${tag}.${i}@example.com`,
    language: ['da', 'sv', 'en'][i % 3],
    created_at: now,
    updated_at: now,
  }));
  await db.batchInsert('clients', rows, 500);
  return rows.map((r) => r.email);
};

/** One public booking's outcome as the front-end saw it. */
export interface BookingOutcome {
  email: string;
  status: number | null;
  /** The booking's document id when it answered 201. */
  booking: string | null;
  /** A connection error's code, or the error message of an answer other than 201. */
  error: string | null;
  startedAt: number;
  endedAt: number;
}

/**
 * What a public booking page sends, to an instance in another process: by default a new
 * client who consents to two purposes. `token`: a booking back-end's API token instead.
 */
export const postBooking = async (
  port: number,
  tag: string,
  n: number,
  options: { token?: string; email?: string; consent?: Record<string, unknown> } = {}
): Promise<BookingOutcome> => {
  const contact = newContact({
    email: options.email ?? `${tag}.${n}.${randomBytes(3).toString('hex')}@example.com`,
  });
  const startedAt = Date.now();
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/bookings`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'BookingPage/2.0 (fault test)',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify({
        data: {
          ...BOOKING,
          service: tag,
          contact,
          consent: options.consent ?? { given: ['storage', 'marketing'] },
        },
      }),
      signal: AbortSignal.timeout(60_000),
    });
    const body = (await res.json().catch(() => null)) as {
      data?: { documentId?: string };
      error?: { name?: string; message?: string };
    } | null;
    const created = res.status === 201;
    return {
      email: contact.email,
      status: res.status,
      booking: created ? (body?.data?.documentId ?? null) : null,
      error: created ? null : `${body?.error?.name ?? ''}: ${body?.error?.message ?? ''}`,
      startedAt,
      endedAt: Date.now(),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return {
      email: contact.email,
      status: null,
      booking: null,
      error: cause?.code ?? (error as Error).message,
      startedAt,
      endedAt: Date.now(),
    };
  }
};

/** `loops` front-ends booking one after the other on `port` until `stop()` says so. */
export const bookingLoad = (
  port: number,
  tag: string,
  loops: number,
  stop: (outcome: BookingOutcome) => boolean
) => {
  const outcomes: BookingOutcome[] = [];
  let n = 0;
  const loop = async () => {
    for (;;) {
      const outcome = await postBooking(port, tag, (n += 1));
      outcomes.push(outcome);
      if (stop(outcome)) return;
    }
  };
  return { outcomes, done: Promise.all(Array.from({ length: loops }, loop)).then(() => outcomes) };
};

/**
 * What the database holds of the bookings made under `tag` (their service), compared
 * with what their front-ends were told. A booking is whole when it has its client (the
 * one of its contact) and one consent event per purpose consented, all with its id.
 */
export const checkBookings = async (
  db: Knex,
  tag: string,
  outcomes: BookingOutcome[],
  purposes = 2
) => {
  const bookings = (await db('bookings as b')
    .leftJoin('bookings_client_lnk as l', 'l.booking_id', 'b.id')
    .leftJoin('clients as c', 'c.id', 'l.client_id')
    .where('b.service', tag)
    .select('b.document_id as booking', 'c.document_id as client', 'c.email as email')) as {
    booking: string;
    client: string | null;
    email: string | null;
  }[];
  const events = (await db('consent_events as e')
    .join('clients as c', 'c.document_id', 'e.subject')
    .where('c.email', 'like', `${tag}.%`)
    .select('e.booking_id as booking', 'e.subject as client', 'c.email as email')) as {
    booking: string | null;
    client: string;
    email: string;
  }[];
  const clients = (await db('clients')
    .where('email', 'like', `${tag}.%`)
    .select('document_id as client', 'email')) as { client: string; email: string }[];

  const stored = new Map(bookings.map((b) => [b.booking, b]));
  const eventsOf = new Map<string, number>();
  for (const e of events) eventsOf.set(e.booking ?? '', (eventsOf.get(e.booking ?? '') ?? 0) + 1);
  const booked = new Set(bookings.map((b) => b.email));

  const acknowledged = outcomes.filter((o) => o.status === 201);
  const unstored201 = acknowledged
    .filter((o) => !o.booking || stored.get(o.booking)?.email !== o.email.toLowerCase())
    .map((o) => o.email);
  const halfWritten = [
    ...bookings
      .filter((b) => !b.client || eventsOf.get(b.booking) !== purposes)
      .map(
        (b) => `booking ${b.booking}: client ${b.client}, ${eventsOf.get(b.booking) ?? 0} events`
      ),
    ...events
      .filter((e) => !e.booking || !stored.has(e.booking))
      .map((e) => `event of ${e.email} for booking ${e.booking}, which is not stored`),
    ...clients
      .filter((c) => !booked.has(c.email))
      .map((c) => `client ${c.email} without a booking`),
  ];
  return {
    figures: {
      requests: outcomes.length,
      answered201: acknowledged.length,
      answered5xx: outcomes.filter((o) => (o.status ?? 0) >= 500).length,
      otherStatus: outcomes.filter((o) => o.status !== null && o.status !== 201 && o.status < 500)
        .length,
      answers: Object.fromEntries(
        [
          ...new Set(
            outcomes
              .filter((o) => o.status !== 201)
              .map((o) => `${o.status ?? 'no answer'} ${o.error}`.slice(0, 120))
          ),
        ].map((k) => [
          k,
          outcomes.filter((o) => `${o.status ?? 'no answer'} ${o.error}`.slice(0, 120) === k)
            .length,
        ])
      ),
      connectionErrors: outcomes.filter((o) => o.status === null).length,
      stored: bookings.length,
      storedWithout201: bookings.filter((b) => !acknowledged.some((o) => o.booking === b.booking))
        .length,
      unstored201: unstored201.length,
      halfWritten: halfWritten.length,
    },
    unstored201,
    halfWritten,
  };
};

/** Terminates every session of the instance named `applicationName` (pg_terminate_backend); how many. */
export const terminateBackends = async (db: Knex, applicationName: string): Promise<number> => {
  const res = await db.raw(
    'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()',
    [applicationName]
  );
  return Number((res.rows as { n: string }[])[0].n);
};
