import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import createError from 'http-errors';
import { UID } from '../constants';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import type { RetentionRun as ContractRetentionRun } from '../contracts';
import type { AuditEntryInput } from '../proof';
import { metadataOf } from '../utils/models';
import { transaction } from '../utils/transaction';
import {
  claimRun,
  countOf,
  erasuresOfRun,
  inactiveClients,
  inactiveIds,
  inactivePage,
  runLease,
  updateHeldRun,
  updateRunIn,
  type ClientTable,
  type RelatedActivity,
} from './queries';

/** A run as the service keeps it: the admin API's shape (contracts) with the run's own bookkeeping. */
export interface RetentionRun extends Omit<
  ContractRetentionRun,
  'lastError' | 'startedAt' | 'createdByName'
> {
  cursorId: number;
  lastError: string | null;
  startedAt: string | null;
  startedById: string | null;
  startedByName: string | null;
}

export interface InactiveClient {
  documentId: string;
  name?: string | null;
  lastActivityAt: string | null;
}

interface Meta {
  tableName: string;
  attributes: Record<string, { columnName?: string }>;
}

const OPEN = ['queued', 'running'];

/** Now minus N calendar months (UTC). */
export const cutoffFor = (months: number, now: Date): Date => {
  const at = new Date(now.getTime());
  at.setUTCMonth(at.getUTCMonth() - months);
  return at;
};

const encodeCursor = (c: { months: number; cutoff: Date; after: number }) =>
  Buffer.from(JSON.stringify({ m: c.months, c: c.cutoff.toISOString(), a: c.after })).toString(
    'base64url'
  );

const decodeCursor = (cursor: string): { months: number; cutoff: Date; after: number } => {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      m: unknown;
      c: unknown;
      a: unknown;
    };
    const cutoff = new Date(String(v.c));
    if (!Number.isInteger(v.m) || !Number.isInteger(v.a) || Number.isNaN(cutoff.getTime()))
      throw new Error('bad');
    return { months: v.m as number, cutoff, after: v.a as number };
  } catch {
    throw new errors.ValidationError('cursor is not one this API gave', {
      errors: [{ path: ['cursor'], message: 'invalid cursor' }],
    });
  }
};

const toDate = (value: unknown): Date | null =>
  value == null ? null : new Date(value as string | number | Date);

/**
 * The retention rule (GDPR Art. 5(1)(e)): a client is inactive when nothing of
 * theirs is newer than the cutoff (now minus N months): no related record (a
 * booking) by its activity field, no consent decision, and the client was not
 * created after it either; erased clients are not counted. One set-based query
 * with NOT EXISTS subqueries on indexed columns, paged by client id. Bulk erasure
 * runs in the worker, one batch per tick, on a lease, through the erasure service.
 */
const retention = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const meta = (uid: string) => metadataOf(strapi, uid) as unknown as Meta;
  const column = (m: Meta, field: string) => m.attributes[field]?.columnName ?? field;

  return {
    months(inactiveMonths?: number): number {
      const months = inactiveMonths ?? getService(strapi, 'config').get().retention.inactiveMonths;
      if (!months) {
        throw new errors.ValidationError(
          'inactiveMonths is required (no retention.inactiveMonths is configured)',
          {
            errors: [{ path: ['inactiveMonths'], message: 'required' }],
          }
        );
      }
      return months;
    },

    /** The client table and the related types' activity, as retention's queries take them. */
    tables(): { client: ClientTable; related: RelatedActivity[] } {
      const config = getService(strapi, 'config').get();
      const subject = meta(config.subject.uid);
      const related = getService(strapi, 'erasure')
        .relatedTypes()
        .map((type) => {
          const relation = getService(strapi, 'bookings').joinTableOf(type.uid, type.subject);
          if (!relation)
            throw new errors.ApplicationError(
              `consent retention: ${type.uid}.${type.subject} is not a join-table relation`
            );
          const m = meta(type.uid);
          return {
            joinTable: relation.joinTable,
            ownerColumn: relation.ownerColumn,
            subjectColumn: relation.subjectColumn,
            table: m.tableName,
            activityColumn: column(m, type.activityField),
          };
        });
      return {
        client: {
          table: subject.tableName,
          createdAtColumn: column(subject, 'createdAt'),
          nameColumn: config.subject.name ? column(subject, config.subject.name) : null,
        },
        related,
      };
    },

    async count(cutoff: Date): Promise<number> {
      const { client, related } = this.tables();
      return countOf(inactiveClients(strapi.db.connection, { client, related, cutoff }));
    },

    /** A keyset page of inactive clients (by row id), with the date of their last activity. */
    async page(
      cutoff: Date,
      after: number,
      limit: number
    ): Promise<{ clients: InactiveClient[]; last: number | null }> {
      const { client, related } = this.tables();
      const rows = await inactivePage(
        strapi.db.connection,
        { client, related, cutoff },
        { after, limit }
      );
      const clients = rows.map((row) => {
        const dates = [row.createdAt, row.lastDecisionAt, ...related.map((_, i) => row[`a${i}`])]
          .map(toDate)
          .filter((d): d is Date => d !== null && !Number.isNaN(d.getTime()));
        const last = dates.length ? new Date(Math.max(...dates.map((d) => d.getTime()))) : null;
        return {
          documentId: row.documentId as string,
          ...(client.nameColumn ? { name: (row.name as string | null) ?? null } : {}),
          lastActivityAt: last?.toISOString() ?? null,
        };
      });
      return { clients, last: rows.length === limit ? (rows[rows.length - 1].id as number) : null };
    },

    /** The first page of who the rule affects now, the total, and a cursor for the next pages. */
    async preview(
      input: { inactiveMonths?: number; limit: number },
      actor: AuditEntryInput['actor']
    ) {
      const months = this.months(input.inactiveMonths);
      const cutoff = cutoffFor(months, getService(strapi, 'clock').now());
      const total = await this.count(cutoff);
      const { clients, last } = await this.page(cutoff, 0, input.limit);
      await getService(strapi, 'audit').record({
        action: 'retention.preview',
        actor,
        details: { inactiveMonths: months, cutoff, total },
      });
      return {
        inactiveMonths: months,
        cutoff: cutoff.toISOString(),
        total,
        clients,
        next: last === null ? null : encodeCursor({ months, cutoff, after: last }),
      };
    },

    async previewPage(cursor: string, limit: number) {
      const { months, cutoff, after } = decodeCursor(cursor);
      const { clients, last } = await this.page(cutoff, after, limit);
      return {
        inactiveMonths: months,
        cutoff: cutoff.toISOString(),
        clients,
        next: last === null ? null : encodeCursor({ months, cutoff, after: last }),
      };
    },

    /** Start a bulk erasure; refused (409) when the rule now affects another number of clients than previewed. */
    async createRun(
      input: { inactiveMonths?: number; expectedTotal: number; reason: string },
      actor: AuditEntryInput['actor']
    ): Promise<RetentionRun> {
      const months = this.months(input.inactiveMonths);
      const cutoff = cutoffFor(months, getService(strapi, 'clock').now());
      const total = await this.count(cutoff);
      if (total !== input.expectedTotal) {
        throw createError(
          409,
          `The rule now affects ${total} clients, not ${input.expectedTotal}: preview again`,
          {
            name: 'ConflictError',
            details: { total, expectedTotal: input.expectedTotal },
          }
        );
      }
      const run = await transaction(strapi, async () => {
        const created = (await strapi.db.query(UID.retentionRun).create({
          data: {
            status: 'queued',
            inactiveMonths: months,
            cutoff,
            reason: input.reason,
            total,
            erased: 0,
            failed: 0,
            cursorId: 0,
            startedById: actor.id != null ? String(actor.id) : null,
            startedByName: actor.name ?? null,
          },
        })) as RetentionRun;
        await getService(strapi, 'audit').record({
          action: 'retention.run',
          actor,
          details: {
            run: created.documentId,
            phase: 'created',
            inactiveMonths: months,
            cutoff,
            total,
          },
        });
        return created;
      });
      getService(strapi, 'worker').wake();
      return this.present(run);
    },

    present(run: RetentionRun): RetentionRun {
      const {
        leaseOwner: _o,
        leaseUntil: _u,
        ...rest
      } = run as RetentionRun & { leaseOwner?: unknown; leaseUntil?: unknown };
      return rest as RetentionRun;
    },

    async listRuns(): Promise<RetentionRun[]> {
      const rows = (await strapi.db
        .query(UID.retentionRun)
        .findMany({ orderBy: { id: 'desc' }, limit: 100 })) as RetentionRun[];
      return rows.map((r) => this.present(r));
    },

    async findRun(documentId: string): Promise<RetentionRun> {
      const run = (await strapi.db
        .query(UID.retentionRun)
        .findOne({ where: { documentId } })) as RetentionRun | null;
      if (!run) throw new errors.NotFoundError('Retention run not found', { id: documentId });
      return this.present(run);
    },

    async cancel(documentId: string, actor: AuditEntryInput['actor']): Promise<RetentionRun> {
      const run = await this.findRun(documentId);
      const now = getService(strapi, 'clock').now();
      const changed = await updateRunIn(strapi.db.connection, run.id, OPEN, {
        status: 'cancelled',
        finished_at: now,
        updated_at: now,
      });
      if (changed === 0) {
        throw createError(409, `The run is already ${run.status}`, {
          name: 'ConflictError',
          details: { status: run.status },
        });
      }
      await getService(strapi, 'audit').record({
        action: 'retention.run',
        actor,
        details: { run: documentId, phase: 'cancelled', erased: run.erased },
      });
      return this.findRun(documentId);
    },

    /**
     * Claim the oldest open run nobody holds (or whose holder's lease ran out: that
     * instance died mid-batch), so only one instance works on a run at a time.
     */
    async claim(): Promise<RetentionRun | null> {
      const now = getService(strapi, 'clock').now();
      const until = new Date(
        now.getTime() + getService(strapi, 'config').get().worker.leaseSeconds * 1000
      );
      const dialect = dialectOf(strapi);
      const id = await transaction(strapi, async ({ trx }) => {
        return claimRun(trx, dialect, OPEN, owner, now, until);
      });
      if (id === null) return null;
      return (await strapi.db.query(UID.retentionRun).findOne({ where: { id } })) as RetentionRun;
    },

    /**
     * One batch of one run: the next `retention.batchSize` inactive clients after
     * the run's cursor, each erased in its own transaction; then the progress is
     * saved and the lease let go (the next tick, on any instance, takes the next
     * batch). Returns how many clients the batch looked at (0: nothing to do).
     */
    async runBatch(): Promise<number> {
      const run = await this.claim();
      if (!run) return 0;
      const knex = strapi.db.connection;
      const { batchSize } = getService(strapi, 'config').get().retention;
      const { client, related } = this.tables();
      const rows = await inactiveIds(
        knex,
        { client, related, cutoff: new Date(run.cutoff) },
        { after: run.cursorId, limit: batchSize }
      );

      let cursor = run.cursorId;
      let failed = 0;
      let lastError: string | null = run.lastError;
      const actor = { type: 'admin' as const, id: run.startedById, name: run.startedByName };
      for (const row of rows) {
        // A cancel (or a lost lease) stops the batch between two clients.
        const current = await runLease(knex, run.id);
        if (current.status !== 'running' || current.lease_owner !== owner) break;
        try {
          await getService(strapi, 'erasure').erase({
            subject: row.documentId,
            reason: run.reason,
            actor,
            origin: 'retention',
            retentionRun: run.documentId,
          });
        } catch (error) {
          // Erased meanwhile by hand: not a failure.
          if ((error as { status?: number }).status !== 409) {
            failed += 1;
            lastError =
              `${row.documentId}: ${error instanceof Error ? error.message : String(error)}`.slice(
                0,
                2000
              );
          }
        }
        cursor = row.id;
      }

      // The erasure records are the count (a batch cut short by a crash is counted right when resumed).
      const erased = await erasuresOfRun(knex, run.documentId);
      const now = getService(strapi, 'clock').now();
      const finished =
        rows.length < batchSize && cursor === (rows.length ? rows[rows.length - 1].id : cursor);
      await updateHeldRun(knex, run.id, owner, {
        cursor_id: cursor,
        erased,
        failed: run.failed + failed,
        last_error: lastError,
        lease_owner: null,
        lease_until: null,
        updated_at: now,
      });
      if (finished) {
        const status = run.failed + failed > 0 && erased === 0 ? 'failed' : 'done';
        const done = await updateRunIn(knex, run.id, ['running'], {
          status,
          finished_at: now,
          updated_at: now,
        });
        if (done > 0) {
          await getService(strapi, 'audit').record({
            action: 'retention.run',
            actor,
            outcome: status === 'done' ? 'ok' : 'failed',
            details: {
              run: run.documentId,
              phase: status,
              total: run.total,
              erased,
              failed: run.failed + failed,
            },
          });
        }
      }
      return Math.max(rows.length, 1);
    },
  };
};

export default retention;
