import type { Core } from '@strapi/strapi';
import { HUB_EVENT } from '../constants';
import { chainInputFromRow, linkEvents } from '../domain/chain';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import type { AuditEntryInput } from './audit';
import type { Checkpoint } from './checkpoints';
import type { VerifyReport } from './proof-verify';
import { eventsOfSubjects, setChainHeads, setEventChains, unchainedSummaries } from './queries';

type Actor = AuditEntryInput['actor'];

/** Subjects per backfill batch (their events are updated in one CASE statement per chunk). */
const BACKFILL_PAGE = 200;
const UPDATE_CHUNK = 500;

/**
 * Tamper evidence, as the admin routes, the worker and the `strapi-consent`
 * command use it: verify (proof-verify), seal a checkpoint (checkpoints), each
 * audited; and the one-off backfill of chains for events recorded before them.
 */
const proof = ({ strapi }: { strapi: Core.Strapi }) => ({
  async verify({ actor }: { actor: Actor }): Promise<VerifyReport> {
    const report = await getService(strapi, 'proof-verify').verify();
    await getService(strapi, 'audit').record({
      action: 'proof.verify',
      actor,
      outcome: report.ok ? 'ok' : 'failed',
      details: {
        events: report.events,
        subjects: report.subjects,
        checkpoints: report.checkpoints,
        durationMs: report.durationMs,
        firstBroken: report.firstBroken
          ? {
              kind: report.firstBroken.kind,
              eventId: report.firstBroken.eventId ?? null,
              chainSeq: report.firstBroken.chainSeq ?? null,
              checkpoint: report.firstBroken.checkpoint ?? null,
            }
          : null,
      },
    });
    if (!report.ok)
      strapi.log.warn(`[consent] proof verification failed: ${report.firstBroken?.message}`);
    return report;
  },

  /** Seal the chain heads that moved; null when none did (or another instance is sealing this very checkpoint). */
  async seal({ actor }: { actor: Actor }): Promise<Checkpoint | null> {
    const checkpoint = await getService(strapi, 'checkpoints').seal();
    if (!checkpoint) return null;
    await getService(strapi, 'audit').record({
      action: 'proof.checkpoint',
      actor,
      details: { seq: checkpoint.seq, leafCount: checkpoint.leafCount, root: checkpoint.root },
    });
    // The root in the log: a copy outside the database (anchor it elsewhere too, see the README).
    strapi.log.info(
      `[consent] checkpoint ${checkpoint.seq} sealed ${checkpoint.leafCount} chain heads: root ${checkpoint.root}, hash ${checkpoint.hash}`
    );
    strapi.eventHub.emit(HUB_EVENT.checkpointSealed, { checkpoint });
    return checkpoint;
  },

  /**
   * Chains for events recorded before the chain existed (or inserted in bulk by
   * SQL, e.g. the benchmark seeds): the subjects whose summary has no chain head yet
   * but has events. Each such subject's events are chained in id order, which is
   * the order the ledger wrote them. A subject with an event already chained is left
   * alone (verify reports it): the backfill never re-chains what the ledger chained,
   * so it cannot launder an event inserted later by SQL. Idempotent: a second run
   * (or a second instance booting at the same time) finds nothing or computes the
   * same values.
   */
  async backfill(): Promise<{ subjects: number; events: number; skipped: number }> {
    const knex = strapi.db.connection;
    const secret = await getService(strapi, 'keys').secret();
    const dialect = dialectOf(strapi);
    const done = { subjects: 0, events: 0, skipped: 0 };
    let after: string | null = null;
    for (;;) {
      const summaries = await unchainedSummaries(knex, after, BACKFILL_PAGE);
      if (summaries.length === 0) break;
      after = summaries[summaries.length - 1].subject;

      await knex.transaction(async (trx) => {
        const rows = await eventsOfSubjects(
          trx,
          summaries.map((s) => s.subject)
        );
        const bySubject = new Map<string, Record<string, unknown>[]>();
        for (const row of rows) {
          const list = bySubject.get(row.subject as string) ?? [];
          list.push(row);
          bySubject.set(row.subject as string, list);
        }
        const eventUpdates: {
          id: number;
          chainSeq: number;
          prevHash: string;
          evidenceDigest: string;
          hash: string;
        }[] = [];
        const heads: { id: number; seq: number; head: string }[] = [];
        for (const summary of summaries) {
          const events = bySubject.get(summary.subject) ?? [];
          if (events.length === 0) continue;
          if (events.some((e) => e.chain_seq != null)) {
            done.skipped += 1;
            strapi.log.warn(
              `[consent] chain backfill: ${summary.subject} has chained and unchained events; left for verify to report`
            );
            continue;
          }
          const links = linkEvents(
            secret,
            summary.subject,
            { seq: 0, hash: null },
            events.map(chainInputFromRow)
          );
          links.forEach((link, i) => eventUpdates.push({ id: Number(events[i].id), ...link }));
          const last = links[links.length - 1];
          heads.push({ id: summary.id, seq: last.chainSeq, head: last.hash });
          done.subjects += 1;
          done.events += links.length;
        }
        for (let i = 0; i < eventUpdates.length; i += UPDATE_CHUNK)
          await setEventChains(trx, dialect, eventUpdates.slice(i, i + UPDATE_CHUNK));
        for (let i = 0; i < heads.length; i += UPDATE_CHUNK)
          await setChainHeads(trx, dialect, heads.slice(i, i + UPDATE_CHUNK));
      });
    }
    if (done.events > 0)
      strapi.log.info(
        `[consent] chained ${done.events} earlier events of ${done.subjects} clients`
      );
    return done;
  },
});

export default proof;
