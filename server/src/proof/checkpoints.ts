import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';

import { CHECKPOINT_GENESIS, MerkleBuilder, checkpointHash } from '../domain/merkle';
import { normaliseDate, normaliseInteger } from '../domain/chain';
import { dialectOf } from '../utils/dialect';
import { newDocumentId } from '../utils/document-id';
import { getService } from '../utils/get-service';

import type { Checkpoint } from '../contracts';
import {
  insertCheckpoint,
  insertLeaves,
  lastCheckpoint,
  lastSealedAt,
  leavesOfCheckpoint,
  sealedCheckpoints,
  setSealedSeq,
  unsealedHeads,
  updateCheckpoint,
} from './queries';
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
          const last = await lastCheckpoint(trx);
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
            const heads = await unsealedHeads(trx, after, PAGE);
            if (heads.length === 0) break;
            after = heads[heads.length - 1].subject;
            const leaves = heads.map((h) => ({
              subject: h.subject,
              chainSeq: normaliseInteger(h.chain_seq) ?? 0,
              head: h.chain_head,
            }));
            for (const leaf of leaves) builder.add(leaf);
            for (let i = 0; i < leaves.length; i += INSERT_CHUNK) {
              await insertLeaves(
                trx,
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
          await updateCheckpoint(trx, id, {
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
      return insertCheckpoint(trx, dialectOf(strapi), row);
    },

    /** sealed_seq = the sealed seq (not the current one: a chain may have moved since), a page of subjects at a time. */
    async markSealed(checkpointId: number): Promise<void> {
      const knex = strapi.db.connection;
      let after: string | null = null;
      for (;;) {
        const leaves = (await leavesOfCheckpoint(
          knex,
          checkpointId,
          ['subject', 'chain_seq'],
          after,
          PAGE
        )) as { subject: string; chain_seq: number }[];
        if (leaves.length === 0) return;
        after = leaves[leaves.length - 1].subject;
        await setSealedSeq(knex, dialectOf(strapi), leaves);
      }
    },

    /** The checkpoints, newest first, keyset-paged by seq. */
    async list(
      options: { before?: number; limit?: number } = {}
    ): Promise<{ checkpoints: Checkpoint[]; next: number | null }> {
      const limit = Math.min(Math.max(options.limit ?? 20, 1), 200);
      const rows = (await sealedCheckpoints(strapi.db.connection, options.before, limit + 1)).map(
        toCheckpoint
      );
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
      const last = await lastSealedAt(strapi.db.connection);
      const lastAt = last != null ? new Date(normaliseDate(last)).getTime() : 0;
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
