import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TABLE } from '../constants';
import { CHECKPOINT_GENESIS, MerkleBuilder, checkpointHash } from '../domain/merkle';
import { normaliseDate, normaliseInteger } from '../domain/chain';
import { dialectOf } from '../utils/dialect';
import { newDocumentId } from '../utils/document-id';
import { getService } from '../utils/get-service';

import type { Checkpoint } from '../contracts';
export type { Checkpoint };

/** Summary rows read (and leaves inserted) per statement while sealing. */
const PAGE = 1000;
const INSERT_CHUNK = 500;

/** Rolls the claim back when no chain moved since the last checkpoint. */
class NothingToSeal extends Error {}

/** A second sealer's insert of the same checkpoint seq (unique index), on any of the three databases. */
const isUniqueViolation = (error: unknown): boolean => {
  const e = error as { code?: string; errno?: number; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'ER_DUP_ENTRY' ||
    e?.errno === 1062 ||
    /UNIQUE constraint failed/i.test(e?.message ?? '')
  );
};

const toCheckpoint = (row: Record<string, unknown>): Checkpoint => ({
  id: Number(row.id),
  seq: normaliseInteger(row.seq) ?? 0,
  sealedAt: normaliseDate(row.sealed_at),
  leafCount: normaliseInteger(row.leaf_count) ?? 0,
  root: row.root as string,
  previousHash: row.previous_hash as string,
  hash: row.hash as string,
});

/**
 * Checkpoints: every chain head that moved since the last checkpoint, sealed under
 * one Merkle root (domain/merkle), each checkpoint chained to the previous one. A
 * checkpoint makes a deleted or rewritten chain detectable even when its summary
 * row was rewritten to match; an external copy of the roots (the log line, the
 * hub event) makes rewriting the checkpoints detectable too.
 */
const checkpoints = ({ strapi }: { strapi: Core.Strapi }) => {
  let nextDueCheck = 0;

  return {
    /**
     * Seal now. Only one instance seals a given checkpoint: the row of the next seq
     * is inserted first, in the sealing transaction, and the seq is unique, so a
     * concurrent sealer waits on that insert and then fails (null: nothing done).
     * Null too when no chain moved. The summaries' sealed_seq is moved after the
     * commit, in short batches (no long lock on rows bookings need): if that is cut
     * short, those heads are sealed again next time, which is harmless.
     */
    async seal(): Promise<Checkpoint | null> {
      const knex = strapi.db.connection;
      let sealed: Checkpoint;
      try {
        sealed = await knex.transaction(async (trx) => {
          const last = (await trx(TABLE.checkpoint).orderBy('seq', 'desc').first('seq', 'hash')) as
            | { seq: number; hash: string }
            | undefined;
          const seq = (normaliseInteger(last?.seq) ?? 0) + 1;
          const previousHash = last?.hash ?? CHECKPOINT_GENESIS;
          // Milliseconds: what every database gives back for a datetime (domain/chain normaliseDate).
          const sealedAt = new Date();
          const now = new Date();
          const id = await this.insertClaim(trx, {
            document_id: newDocumentId(),
            seq,
            sealed_at: sealedAt,
            created_at: now,
            updated_at: now,
            published_at: now,
          });

          const builder = new MerkleBuilder();
          let after: string | null = null;
          for (;;) {
            // sealed_seq is moved after the commit; until then the leaves just committed tell
            // that a head is sealed already (one probe of the leaves' (subject, chain_seq) index).
            const page = trx({ s: TABLE.subject })
              .select('s.subject', 's.chain_seq', 's.chain_head')
              .whereRaw('s.chain_seq > COALESCE(s.sealed_seq, 0)')
              .whereNotExists(function sealedAlready() {
                this.select(trx.raw('1'))
                  .from({ l: TABLE.checkpointLeaf })
                  .whereRaw('l.subject = s.subject AND l.chain_seq = s.chain_seq');
              })
              .orderBy('s.subject')
              .limit(PAGE);
            if (after !== null) page.where('s.subject', '>', after);
            const heads = (await page) as {
              subject: string;
              chain_seq: number | string;
              chain_head: string;
            }[];
            if (heads.length === 0) break;
            after = heads[heads.length - 1].subject;
            const leaves = heads.map((h) => ({
              subject: h.subject,
              chainSeq: normaliseInteger(h.chain_seq) ?? 0,
              head: h.chain_head,
            }));
            for (const leaf of leaves) builder.add(leaf);
            for (let i = 0; i < leaves.length; i += INSERT_CHUNK) {
              await trx(TABLE.checkpointLeaf).insert(
                leaves.slice(i, i + INSERT_CHUNK).map((leaf) => ({
                  document_id: newDocumentId(),
                  checkpoint: id,
                  subject: leaf.subject,
                  chain_seq: leaf.chainSeq,
                  head: leaf.head,
                  created_at: now,
                  updated_at: now,
                  published_at: now,
                }))
              );
            }
          }
          if (builder.size === 0) throw new NothingToSeal();
          const checkpoint = {
            seq,
            sealedAt: sealedAt.toISOString(),
            leafCount: builder.size,
            root: builder.root(),
            previousHash,
          };
          const hash = checkpointHash(checkpoint);
          await trx(TABLE.checkpoint).where('id', id).update({
            leaf_count: checkpoint.leafCount,
            root: checkpoint.root,
            previous_hash: previousHash,
            hash,
          });
          return { id, ...checkpoint, hash };
        });
      } catch (error) {
        if (error instanceof NothingToSeal || isUniqueViolation(error)) return null;
        throw error;
      }
      await this.markSealed(sealed.id);
      return sealed;
    },

    /** The claim: the checkpoint row of the next seq, inserted first (its id names the leaves). */
    async insertClaim(trx: Knex.Transaction, row: Record<string, unknown>): Promise<number> {
      if (dialectOf(strapi) === 'mysql') {
        const [id] = (await trx(TABLE.checkpoint).insert(row)) as number[];
        return Number(id);
      }
      const [inserted] = (await trx(TABLE.checkpoint).insert(row).returning('id')) as (
        | { id: number }
        | number
      )[];
      return Number(typeof inserted === 'object' ? inserted.id : inserted);
    },

    /** sealed_seq = the sealed seq (not the current one: a chain may have moved since), a page of subjects at a time. */
    async markSealed(checkpointId: number): Promise<void> {
      const knex = strapi.db.connection;
      // Untyped bindings in a CASE are text on PostgreSQL.
      const intCast = dialectOf(strapi) === 'mysql' ? 'CAST(? AS SIGNED)' : 'CAST(? AS INTEGER)';
      let after: string | null = null;
      for (;;) {
        const page = knex(TABLE.checkpointLeaf)
          .select('subject', 'chain_seq')
          .where('checkpoint', checkpointId)
          .orderBy('subject')
          .limit(PAGE);
        if (after !== null) page.where('subject', '>', after);
        const leaves = (await page) as { subject: string; chain_seq: number }[];
        if (leaves.length === 0) return;
        after = leaves[leaves.length - 1].subject;
        await knex(TABLE.subject)
          .whereIn(
            'subject',
            leaves.map((l) => l.subject)
          )
          .update({
            sealed_seq: knex.raw(
              `CASE subject ${leaves.map(() => `WHEN ? THEN ${intCast}`).join(' ')} END`,
              leaves.flatMap((l) => [l.subject, Number(l.chain_seq)])
            ),
          });
      }
    },

    /** The checkpoints, newest first, keyset-paged by seq. */
    async list(
      options: { before?: number; limit?: number } = {}
    ): Promise<{ checkpoints: Checkpoint[]; next: number | null }> {
      const limit = Math.min(Math.max(options.limit ?? 20, 1), 200);
      const query = strapi.db
        .connection(TABLE.checkpoint)
        .select('id', 'seq', 'sealed_at', 'leaf_count', 'root', 'previous_hash', 'hash')
        .whereNotNull('hash')
        .orderBy('seq', 'desc')
        .limit(limit + 1);
      if (options.before) query.where('seq', '<', options.before);
      const rows = ((await query) as Record<string, unknown>[]).map(toCheckpoint);
      const page = rows.slice(0, limit);
      return { checkpoints: page, next: rows.length > limit ? page[page.length - 1].seq : null };
    },

    /**
     * The worker's step: seal when the last checkpoint is older than the interval.
     * Between checks it asks the database nothing (one small read per interval).
     */
    async sealIfDue(now = Date.now()): Promise<Checkpoint | null> {
      if (now < nextDueCheck) return null;
      const intervalMs =
        getService(strapi, 'config').get().proof.checkpointIntervalMinutes * 60_000;
      const last = (await strapi.db
        .connection(TABLE.checkpoint)
        .max({ at: 'sealed_at' })
        .first()) as { at: unknown } | undefined;
      const lastAt = last?.at != null ? new Date(normaliseDate(last.at)).getTime() : 0;
      if (now - lastAt < intervalMs) {
        nextDueCheck = lastAt + intervalMs;
        return null;
      }
      nextDueCheck = now + intervalMs;
      return getService(strapi, 'proof').seal({
        actor: { type: 'system', name: 'checkpoint schedule' },
      });
    },
  };
};

export default checkpoints;
