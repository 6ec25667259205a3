import { startApp, type TestApp } from '../helpers/app';
import { book, clientByEmail, currentTexts, newContact } from '../helpers/booking';
import { auth, recordDecisions } from '../helpers/consent';
import { chainInputFromRow, linkEvents } from '../../server/src/domain/chain';
import { checkpointHash } from '../../server/src/domain/merkle';

/**
 * Tamper evidence on a real database: chains written through the real HTTP paths
 * verify; then rows are changed in SQL behind the plugin's back, the way someone
 * with database access would, and the verifier must name what broke. Every
 * tampering is undone afterwards (rows restored by id), and verify passes again.
 */
let app: TestApp;
const clients: string[] = [];

beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

type Row = Record<string, unknown>;
const db = () => app.strapi.db.connection;

interface Report {
  ok: boolean;
  events: number;
  subjects: number;
  checkpoints: number;
  firstBroken: {
    kind: string;
    subject?: string;
    eventId?: number;
    chainSeq?: number;
    checkpoint?: number;
    message: string;
  } | null;
}

const verify = async (): Promise<Report> => {
  const res = await app
    .http()
    .get('/consent/proof/verify')
    .set(auth(await app.adminToken()));
  expect(res.status).toBe(200);
  return res.body.data;
};

const seal = async () => {
  const res = await app
    .http()
    .post('/consent/proof/checkpoints')
    .set(auth(await app.adminToken()))
    .send({});
  expect([200, 201]).toContain(res.status);
  return res.body.data as {
    id: number;
    seq: number;
    leafCount: number;
    root: string;
    hash: string;
  } | null;
};

const eventsOf = async (subject: string): Promise<Row[]> =>
  (await db()('consent_events').where({ subject }).orderBy('chain_seq')) as Row[];

/** Run a tampering, check the report, then put every touched row back as it was. */
const tampered = async (
  tables: string[],
  tamper: () => Promise<void>,
  expectBroken: (report: Report) => void
) => {
  const saved = new Map<string, Row[]>();
  for (const table of tables) saved.set(table, (await db()(table).select('*')) as Row[]);
  try {
    await tamper();
    const report = await verify();
    expect(report.ok).toBe(false);
    expectBroken(report);
  } finally {
    for (const [table, rows] of saved) {
      await db()(table).del();
      for (let i = 0; i < rows.length; i += 100) await db()(table).insert(rows.slice(i, i + 100));
    }
  }
  expect((await verify()).ok).toBe(true);
};

describe('hash chain per client, written by the ledger', () => {
  it('chains events of bookings with consent, in-person consents and withdrawals; verify passes and is audited', async () => {
    const texts = await currentTexts(app, 'da');
    const versions = {
      storage: texts.storage.version,
      marketing: texts.marketing.version,
      health: texts.health.version,
    };
    for (let i = 0; i < 3; i += 1) {
      const contact = newContact();
      const res = await book(app, {
        contact,
        consent: { locale: 'da', given: ['storage', 'marketing'], versions },
      });
      expect(res.status).toBe(201);
      clients.push((await clientByEmail(app, contact.email)).documentId);
    }
    const [a, b, c] = clients;
    expect(
      (
        await recordDecisions(app, a, {
          decisions: [{ purpose: 'health', decision: 'given', explicit: true }],
          note: 'Signed at the desk',
        })
      ).status
    ).toBe(201);
    expect(
      (
        await recordDecisions(app, b, {
          channel: 'web_form',
          decisions: [{ purpose: 'marketing', decision: 'withdrawn' }],
        })
      ).status
    ).toBe(201);
    expect(
      (
        await recordDecisions(app, a, {
          decisions: [{ purpose: 'storage', decision: 'withdrawn' }],
        })
      ).status
    ).toBe(201);
    expect(
      (
        await recordDecisions(app, c, {
          decisions: [{ purpose: 'storage', decision: 'revoked' }],
          note: 'Signed by someone else',
        })
      ).status
    ).toBe(201);

    const events = await eventsOf(a);
    expect(events.map((e) => Number(e.chain_seq))).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < events.length; i += 1) expect(events[i].prev_hash).toBe(events[i - 1].hash);
    for (const e of events) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    const summary = (await db()('consent_subjects').where({ subject: a }).first()) as Row;
    expect(Number(summary.chain_seq)).toBe(4);
    expect(summary.chain_head).toBe(events[3].hash);

    const report = await verify();
    const total = Number(((await db()('consent_events').count({ n: '*' }).first()) as Row).n);
    expect(report).toMatchObject({ ok: true, events: total, firstBroken: null });
    expect(report.subjects).toBe(
      Number(((await db()('consent_subjects').count({ n: '*' }).first()) as Row).n)
    );

    const audit = await app
      .http()
      .get('/consent/audit')
      .query({ action: 'proof.verify' })
      .set(auth(await app.adminToken()));
    expect(audit.body.data.entries[0]).toMatchObject({
      action: 'proof.verify',
      outcome: 'ok',
      actorType: 'admin',
    });
  });

  it('seals the moved chain heads in a checkpoint, nothing when none moved, and lists checkpoints newest first', async () => {
    const subjects = Number(
      ((await db()('consent_subjects').whereNotNull('chain_seq').count({ n: '*' }).first()) as Row)
        .n
    );
    const first = await seal();
    expect(first).toMatchObject({ seq: 1, leafCount: subjects });
    expect(first?.root).toMatch(/^[0-9a-f]{64}$/);
    expect(await seal()).toBeNull();

    expect(
      (
        await recordDecisions(app, clients[1], {
          decisions: [{ purpose: 'storage', decision: 'withdrawn' }],
        })
      ).status
    ).toBe(201);
    const second = await seal();
    expect(second).toMatchObject({ seq: 2, leafCount: 1 });
    const sealed = (await db()('consent_subjects').where({ subject: clients[1] }).first()) as Row;
    expect(Number(sealed.sealed_seq)).toBe(Number(sealed.chain_seq));

    const list = await app
      .http()
      .get('/consent/proof/checkpoints')
      .query({ limit: 1 })
      .set(auth(await app.adminToken()));
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: { seq: number }) => c.seq)).toEqual([2]);
    expect(list.body.meta.next).toBe(2);
    const bad = await app
      .http()
      .get('/consent/proof/checkpoints')
      .query({ limit: 'many' })
      .set(auth(await app.adminToken()));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ status: 400, name: 'ValidationError' });

    expect(await verify()).toMatchObject({ ok: true, checkpoints: 2 });
  });
});

describe('tampering in SQL is detected', () => {
  it('an edited event field: that event is named', async () => {
    const [, second] = await eventsOf(clients[0]);
    await tampered(
      ['consent_events'],
      async () => {
        await db()('consent_events').where({ id: second.id }).update({ decision: 'refused' });
      },
      (r) =>
        expect(r.firstBroken).toMatchObject({
          kind: 'hash',
          subject: clients[0],
          eventId: Number(second.id),
          chainSeq: 2,
        })
    );
  });

  it('an edited personal field (the IP): the evidence digest no longer matches', async () => {
    const [first] = await eventsOf(clients[2]);
    await tampered(
      ['consent_events'],
      async () => {
        await db()('consent_events').where({ id: first.id }).update({ ip: '203.0.113.66' });
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'evidence', eventId: Number(first.id) })
    );
  });

  it('a deleted middle event', async () => {
    const [, second] = await eventsOf(clients[0]);
    await tampered(
      ['consent_events'],
      async () => {
        await db()('consent_events').where({ id: second.id }).del();
      },
      (r) =>
        expect(r.firstBroken).toMatchObject({ kind: 'missing', subject: clients[0], chainSeq: 2 })
    );
  });

  it('a deleted last event (the summary still names the old head)', async () => {
    const events = await eventsOf(clients[2]);
    await tampered(
      ['consent_events'],
      async () => {
        await db()('consent_events')
          .where({ id: events[events.length - 1].id })
          .del();
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'head', subject: clients[2] })
    );
  });

  it('a forged event inserted in the middle, as a copy with another decision', async () => {
    const [, second] = await eventsOf(clients[0]);
    const max = Number(((await db()('consent_events').max({ m: 'id' }).first()) as Row).m);
    await tampered(
      ['consent_events'],
      async () => {
        const { id: _id, document_id: _doc, ...rest } = second;
        await db()('consent_events').insert({
          ...rest,
          id: max + 1000,
          document_id: 'forgedforgedforgedforged',
          decision: 'refused',
        });
      },
      (r) =>
        expect(r.firstBroken).toMatchObject({
          kind: 'duplicate',
          subject: clients[0],
          eventId: max + 1000,
        })
    );
  });

  it('a forged event inserted without chain fields', async () => {
    const [first] = await eventsOf(clients[1]);
    await tampered(
      ['consent_events'],
      async () => {
        const {
          id: _id,
          document_id: _doc,
          chain_seq: _s,
          prev_hash: _p,
          hash: _h,
          ...rest
        } = first;
        await db()('consent_events').insert({
          ...rest,
          document_id: 'forgedforgedforgedforgee',
          decision: 'given',
        });
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'unchained', subject: clients[1] })
    );
  });

  it('a chain rewritten consistently (hashes recomputed, summary updated) after a checkpoint: the sealed leaf exposes it', async () => {
    const subject = clients[0];
    const events = await eventsOf(subject);
    const secret = await app.strapi.plugin('consent').service('keys').secret();
    await tampered(
      ['consent_events', 'consent_subjects'],
      async () => {
        // Drop event 2 and re-chain the rest, exactly as the ledger would have: every link is valid.
        const kept = events.filter((_, i) => i !== 1);
        await db()('consent_events').where({ id: events[1].id }).del();
        const links = linkEvents(
          secret,
          subject,
          { seq: 0, hash: null },
          kept.map(chainInputFromRow)
        );
        for (const [i, e] of kept.entries()) {
          await db()('consent_events').where({ id: e.id }).update({
            chain_seq: links[i].chainSeq,
            prev_hash: links[i].prevHash,
            hash: links[i].hash,
            evidence_digest: links[i].evidenceDigest,
          });
        }
        const last = links[links.length - 1];
        await db()('consent_subjects')
          .where({ subject })
          .update({ chain_seq: last.chainSeq, chain_head: last.hash });
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'leaf', subject })
    );
  });

  it('a whole chain deleted (events and summary) after a checkpoint', async () => {
    const subject = clients[2];
    await tampered(
      ['consent_events', 'consent_subjects'],
      async () => {
        await db()('consent_events').where({ subject }).del();
        await db()('consent_subjects').where({ subject }).del();
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'orphan-leaf', subject })
    );
  });

  it('a whole chain deleted with its sealed leaves too: the Merkle root no longer matches', async () => {
    const subject = clients[2];
    await tampered(
      ['consent_events', 'consent_subjects', 'consent_checkpoint_leaves'],
      async () => {
        await db()('consent_events').where({ subject }).del();
        await db()('consent_subjects').where({ subject }).del();
        await db()('consent_checkpoint_leaves').where({ subject }).del();
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'root', checkpoint: 1 })
    );
  });

  it('an altered checkpoint leaf', async () => {
    const leaf = (await db()('consent_checkpoint_leaves')
      .where({ subject: clients[1] })
      .orderBy('id')
      .first()) as Row;
    await tampered(
      ['consent_checkpoint_leaves'],
      async () => {
        await db()('consent_checkpoint_leaves')
          .where({ id: leaf.id })
          .update({ head: 'f'.repeat(64) });
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'leaf', subject: clients[1] })
    );
  });

  it('an altered checkpoint root, with or without its hash recomputed', async () => {
    const cp = (await db()('consent_checkpoints').where({ seq: 2 }).first()) as Row;
    await tampered(
      ['consent_checkpoints'],
      async () => {
        await db()('consent_checkpoints')
          .where({ id: cp.id })
          .update({ root: 'e'.repeat(64) });
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'checkpoint', checkpoint: 2 })
    );
    await tampered(
      ['consent_checkpoints'],
      async () => {
        const sealedAt = new Date(cp.sealed_at as string).toISOString();
        const hash = checkpointHash({
          seq: 2,
          sealedAt,
          leafCount: Number(cp.leaf_count),
          root: 'e'.repeat(64),
          previousHash: cp.previous_hash as string,
        });
        await db()('consent_checkpoints')
          .where({ id: cp.id })
          .update({ root: 'e'.repeat(64), hash });
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'root', checkpoint: 2 })
    );
  });

  it('a deleted checkpoint', async () => {
    await tampered(
      ['consent_checkpoints'],
      async () => {
        await db()('consent_checkpoints').where({ seq: 1 }).del();
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'checkpoint', checkpoint: 2 })
    );
  });
});

describe('sealing on schedule and by several instances', () => {
  it('two seals at once write one checkpoint (the next seq is claimed in the database)', async () => {
    expect(
      (
        await recordDecisions(app, clients[2], {
          decisions: [{ purpose: 'marketing', decision: 'withdrawn' }],
        })
      ).status
    ).toBe(201);
    const checkpoints = app.strapi.plugin('consent').service('checkpoints');
    const before = Number(((await db()('consent_checkpoints').count({ n: '*' }).first()) as Row).n);
    const results = await Promise.all([checkpoints.seal(), checkpoints.seal()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(Number(((await db()('consent_checkpoints').count({ n: '*' }).first()) as Row).n)).toBe(
      before + 1
    );
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('the worker step seals only when the last checkpoint is older than proof.checkpointIntervalMinutes', async () => {
    const checkpoints = app.strapi.plugin('consent').service('checkpoints');
    expect(
      (
        await recordDecisions(app, clients[0], {
          decisions: [{ purpose: 'marketing', decision: 'withdrawn' }],
        })
      ).status
    ).toBe(201);
    expect(await checkpoints.sealIfDue()).toBeNull();
    const later = Date.now() + 61 * 60_000; // the demo's interval is the default, 60 minutes
    expect(await checkpoints.sealIfDue(later)).toMatchObject({ leafCount: 1 });
    const audit = await app
      .http()
      .get('/consent/audit')
      .query({ action: 'proof.checkpoint' })
      .set(auth(await app.adminToken()));
    expect(audit.body.data.entries[0]).toMatchObject({
      actorType: 'system',
      details: { leafCount: 1 },
    });
  });
});

describe('backfill of events recorded before the chain', () => {
  it('chains them in id order at boot (here: called again), to the same hashes; a half-chained subject is left for verify to report', async () => {
    const subject = clients[1];
    const original = await eventsOf(subject);
    await db()('consent_events')
      .where({ subject })
      .update({ chain_seq: null, prev_hash: null, hash: null, evidence_digest: null });
    await db()('consent_subjects').where({ subject }).update({ chain_seq: null, chain_head: null });
    expect(await verify()).toMatchObject({
      ok: false,
      firstBroken: { kind: 'unchained', subject },
    });

    const proof = app.strapi.plugin('consent').service('proof');
    expect(await proof.backfill()).toEqual({ subjects: 1, events: original.length, skipped: 0 });
    const again = await eventsOf(subject);
    expect(again.map((e) => [e.id, e.chain_seq, e.hash])).toEqual(
      original.map((e) => [e.id, e.chain_seq, e.hash])
    );
    expect(await proof.backfill()).toEqual({ subjects: 0, events: 0, skipped: 0 });
    expect(await verify()).toMatchObject({ ok: true });

    // An event slipped in by SQL after the chain existed is not laundered by a later boot.
    await tampered(
      ['consent_events', 'consent_subjects'],
      async () => {
        const {
          id: _id,
          document_id: _doc,
          chain_seq: _s,
          prev_hash: _p,
          hash: _h,
          evidence_digest: _d,
          ...rest
        } = original[0];
        await db()('consent_events').insert({ ...rest, document_id: 'slippedinslippedinslippe' });
        await db()('consent_subjects')
          .where({ subject })
          .update({ chain_seq: null, chain_head: null });
        expect(await proof.backfill()).toEqual({ subjects: 0, events: 0, skipped: 1 });
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'unchained', subject })
    );
  });
});

describe('erasure keeps the chain verifiable', () => {
  it('an event redacted as erasure does it (personal columns null, redacted_at set) still verifies; a redacted row that kept its IP does not', async () => {
    const [first] = await eventsOf(clients[1]);
    expect(first.ip).not.toBeNull();
    expect(first.actor_type).toBe('subject');
    await tampered(
      ['consent_events'],
      async () => {
        await db()('consent_events')
          .where({ id: first.id })
          .update({ user_agent: null, note: null, actor_name: null, redacted_at: new Date() });
      },
      (r) => expect(r.firstBroken).toMatchObject({ kind: 'redaction', eventId: Number(first.id) })
    );
    await db()('consent_events')
      .where({ subject: clients[1] })
      .update({ ip: null, user_agent: null, note: null, redacted_at: new Date() });
    await db()('consent_events')
      .where({ subject: clients[1], actor_type: 'subject' })
      .update({ actor_name: null });
    expect(await verify()).toMatchObject({ ok: true, firstBroken: null });
  });
});
