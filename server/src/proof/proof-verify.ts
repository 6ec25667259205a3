import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TABLE, UID } from '../constants';
import {
  chainInputFromRow,
  evidenceDigest,
  eventHash,
  genesisHash,
  normaliseDate,
  normaliseInteger,
} from '../domain/chain';
import { CHECKPOINT_GENESIS, MerkleBuilder, checkpointHash } from '../domain/merkle';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import { columnsOf } from '../utils/rows';
import type { BrokenLink as ContractBrokenLink, VerifyResult } from '../contracts';
import {
  chainHeads,
  checkpointsAfter,
  countRows,
  eventColumnsOfSubjects,
  firstOrphan as orphanOf,
  inSnapshot,
  leavesOfCheckpoint,
  leavesOfSubjects,
} from './queries';

export type BrokenKind =
  | 'unchained'
  | 'missing'
  | 'duplicate'
  | 'link'
  | 'evidence'
  | 'redaction'
  | 'hash'
  | 'head'
  | 'leaf'
  | 'checkpoint'
  | 'root'
  | 'orphan-event'
  | 'orphan-leaf';

export interface BrokenLink extends ContractBrokenLink {
  kind: BrokenKind;
}

export interface VerifyReport extends Omit<VerifyResult, 'firstBroken'> {
  firstBroken: BrokenLink | null;
}

/** Subjects per page: their events are read with one `subject IN (...)` query on consent_events_subject_idx. */
const SUBJECT_PAGE = 500;
const LEAF_PAGE = 5000;

type Row = Record<string, unknown>;

/** Thrown inside the pass to stop at the first broken link. */
class Broken extends Error {
  constructor(readonly link: BrokenLink) {
    super(link.message);
  }
}

const broken = (link: BrokenLink): never => {
  throw new Broken(link);
};

/** A redacted event holds no personal data any more (the erasure contract of domain/evidence). */
const stillPersonal = (row: Row): boolean =>
  row.ip != null ||
  row.user_agent != null ||
  row.note != null ||
  (row.actor_type === 'subject' && row.actor_name != null);

/**
 * Verifies every event chain, every checkpoint and the checkpoints' chain, in one
 * pass with bounded memory: subjects are paged by their unique index, their events
 * and sealed leaves read per page, checkpoint leaves streamed per checkpoint.
 */
const proofVerify = ({ strapi }: { strapi: Core.Strapi }) => ({
  async verify(): Promise<VerifyReport> {
    const started = process.hrtime.bigint();
    const secret = await getService(strapi, 'keys').secret();
    const counts = { events: 0, subjects: 0, checkpoints: 0, leavesSeen: 0 };
    const knex = strapi.db.connection;

    // One snapshot for the whole pass where the database gives one cheaply, so events
    // recorded meanwhile neither break a chain half-read nor the totals. SQLite has a
    // single connection in Strapi: a long transaction there would stall the app.
    const pass = async (db: Knex | Knex.Transaction) => {
      await this.chains(db, secret, counts);
      await this.checkpoints(db, counts);
      await this.totals(db, counts);
    };
    let firstBroken: BrokenLink | null = null;
    try {
      await inSnapshot(knex, dialectOf(strapi), pass);
    } catch (error) {
      if (!(error instanceof Broken)) throw error;
      firstBroken = error.link;
    }
    return {
      ok: firstBroken === null,
      events: counts.events,
      subjects: counts.subjects,
      checkpoints: counts.checkpoints,
      firstBroken,
      durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
    };
  },

  /** Every subject's chain, its summary head, and the checkpoint leaves that sealed it. */
  async chains(
    db: Knex | Knex.Transaction,
    secret: Buffer,
    counts: { events: number; subjects: number; leavesSeen: number }
  ) {
    let after: string | null = null;
    for (;;) {
      const summaries = await chainHeads(db, after, SUBJECT_PAGE);
      if (summaries.length === 0) return;
      after = summaries[summaries.length - 1].subject as string;
      const names = summaries.map((s) => s.subject as string);

      const bySubject = new Map<string, Row[]>(names.map((n) => [n, []]));
      const rows = await eventColumnsOfSubjects(db, columnsOf(strapi, UID.event), names);
      for (const row of rows) bySubject.get(row.subject as string)?.push(row);
      const hashes = new Map<string, Map<number, string>>();

      for (const summary of summaries) {
        const subject = summary.subject as string;
        const events = (bySubject.get(subject) ?? []).sort(
          (a, b) =>
            (normaliseInteger(a.chain_seq) ?? -1) - (normaliseInteger(b.chain_seq) ?? -1) ||
            Number(a.id) - Number(b.id)
        );
        const bySeq = new Map<number, string>();
        let prev = genesisHash(subject);
        events.forEach((row, index) => {
          const expected = index + 1;
          const seq = normaliseInteger(row.chain_seq);
          const at = { subject, eventId: Number(row.id), chainSeq: seq ?? undefined };
          if (seq === null)
            broken({
              kind: 'unchained',
              ...at,
              message: `event ${row.id} of ${subject} has no place in the chain: written outside the ledger`,
            });
          if (seq === expected - 1)
            broken({
              kind: 'duplicate',
              ...at,
              message: `event ${row.id} of ${subject} repeats chain position ${seq}: an inserted event`,
            });
          if (seq !== expected)
            broken({
              kind: 'missing',
              ...at,
              chainSeq: expected,
              message: `event ${expected} of the chain of ${subject} is missing (next is ${seq}): a deleted event`,
            });
          if (row.prev_hash !== prev)
            broken({
              kind: 'link',
              ...at,
              message: `event ${row.id} of ${subject} does not link to the event before it`,
            });
          const event = chainInputFromRow(row);
          let digest = row.evidence_digest as string | null;
          if (row.redacted_at == null) {
            if (evidenceDigest(secret, event) !== digest) {
              broken({
                kind: 'evidence',
                ...at,
                message: `event ${row.id} of ${subject}: its evidence (IP, user agent, note, name) was changed`,
              });
            }
          } else if (stillPersonal(row)) {
            broken({
              kind: 'redaction',
              ...at,
              message: `event ${row.id} of ${subject} is marked redacted but holds personal data`,
            });
          }
          digest ??= '';
          if (
            eventHash(event, { chainSeq: expected, prevHash: prev, evidenceDigest: digest }) !==
            row.hash
          ) {
            broken({
              kind: 'hash',
              ...at,
              message: `event ${row.id} of ${subject} was changed after it was recorded (its hash does not match)`,
            });
          }
          prev = row.hash as string;
          bySeq.set(expected, prev);
        });
        const headSeq = normaliseInteger(summary.chain_seq) ?? 0;
        const head = (summary.chain_head as string | null) ?? null;
        if (headSeq !== events.length || (events.length > 0 && head !== prev)) {
          const last = events[events.length - 1];
          broken({
            kind: 'head',
            subject,
            eventId: last ? Number(last.id) : undefined,
            chainSeq: events.length,
            message: `the chain of ${subject} ends at event ${events.length} but its summary records head ${headSeq}: events were deleted or added`,
          });
        }
        hashes.set(subject, bySeq);
        counts.events += events.length;
        counts.subjects += 1;
      }

      const leaves = await leavesOfSubjects(db, names);
      for (const leaf of leaves) {
        const subject = leaf.subject as string;
        const seq = normaliseInteger(leaf.chain_seq) ?? 0;
        const hash = hashes.get(subject)?.get(seq);
        if (hash !== leaf.head) {
          broken({
            kind: 'leaf',
            subject,
            chainSeq: seq,
            checkpoint: Number(leaf.checkpoint),
            message: hash
              ? `event ${seq} of ${subject} differs from the head that checkpoint row ${leaf.checkpoint} sealed`
              : `checkpoint row ${leaf.checkpoint} sealed event ${seq} of ${subject}, which no longer exists`,
          });
        }
        counts.leavesSeen += 1;
      }
    }
  },

  /** The checkpoints' own chain (previous hash, hash) and each Merkle root from its leaves. */
  async checkpoints(db: Knex | Knex.Transaction, counts: { checkpoints: number }) {
    let previous = CHECKPOINT_GENESIS;
    let expectedSeq = 1;
    let afterSeq = 0;
    for (;;) {
      const rows = await checkpointsAfter(db, afterSeq, 500);
      if (rows.length === 0) return;
      for (const row of rows) {
        const seq = normaliseInteger(row.seq) ?? 0;
        const at = { checkpoint: seq };
        if (seq !== expectedSeq)
          broken({
            kind: 'checkpoint',
            ...at,
            message: `checkpoint ${expectedSeq} is missing (next is ${seq})`,
          });
        if (row.previous_hash !== previous)
          broken({
            kind: 'checkpoint',
            ...at,
            message: `checkpoint ${seq} does not link to checkpoint ${seq - 1}`,
          });
        const leafCount = normaliseInteger(row.leaf_count) ?? 0;
        const hash = checkpointHash({
          seq,
          sealedAt: normaliseDate(row.sealed_at),
          leafCount,
          root: row.root as string,
          previousHash: row.previous_hash as string,
        });
        if (hash !== row.hash)
          broken({
            kind: 'checkpoint',
            ...at,
            message: `checkpoint ${seq} was changed after it was sealed (its hash does not match)`,
          });

        const builder = new MerkleBuilder();
        let afterSubject: string | null = null;
        for (;;) {
          const leaves = await leavesOfCheckpoint(
            db,
            row.id as number,
            ['subject', 'chain_seq', 'head'],
            afterSubject,
            LEAF_PAGE
          );
          if (leaves.length === 0) break;
          for (const leaf of leaves)
            builder.add({
              subject: leaf.subject as string,
              chainSeq: normaliseInteger(leaf.chain_seq) ?? 0,
              head: leaf.head as string,
            });
          afterSubject = leaves[leaves.length - 1].subject as string;
        }
        if (builder.size !== leafCount || builder.root() !== row.root) {
          broken({
            kind: 'root',
            ...at,
            message: `the sealed heads of checkpoint ${seq} no longer give its Merkle root (${builder.size} of ${leafCount} leaves)`,
          });
        }
        previous = row.hash as string;
        expectedSeq = seq + 1;
        afterSeq = seq;
        counts.checkpoints += 1;
      }
    }
  },

  /** Rows the paged pass cannot reach: events and sealed leaves whose subject has no summary row. */
  async totals(db: Knex | Knex.Transaction, counts: { events: number; leavesSeen: number }) {
    const count = (table: string) => countRows(db, table);
    const firstOrphan = (table: string, columns: string[]) => orphanOf(db, table, columns);
    if ((await count(TABLE.event)) !== counts.events) {
      const orphan = await firstOrphan(TABLE.event, ['id', 'subject', 'chain_seq']);
      broken({
        kind: 'orphan-event',
        subject: orphan?.subject as string | undefined,
        eventId: orphan ? Number(orphan.id) : undefined,
        chainSeq: normaliseInteger(orphan?.chain_seq) ?? undefined,
        message: orphan
          ? `event ${orphan.id} belongs to ${orphan.subject}, who has no chain summary: its chain was cut loose`
          : 'the number of events changed during the verification',
      });
    }
    if ((await count(TABLE.checkpointLeaf)) !== counts.leavesSeen) {
      const orphan = await firstOrphan(TABLE.checkpointLeaf, [
        'checkpoint',
        'subject',
        'chain_seq',
      ]);
      broken({
        kind: 'orphan-leaf',
        subject: orphan?.subject as string | undefined,
        chainSeq: normaliseInteger(orphan?.chain_seq) ?? undefined,
        checkpoint: orphan ? Number(orphan.checkpoint) : undefined,
        message: orphan
          ? `a checkpoint sealed the chain of ${orphan.subject}, which no longer exists: a whole chain was deleted`
          : 'the number of sealed leaves changed during the verification',
      });
    }
  },
});

export default proofVerify;
