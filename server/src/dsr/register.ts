import type { Core } from '@strapi/strapi';
import createError from 'http-errors';
import { UID } from '../constants';
import {
  canTransition,
  DSR_OPEN_STATUSES,
  type DsrAction,
  type DsrActionType,
  type DsrChannel,
  type DsrCounts,
  type DsrHistoryEntry,
  type DsrKind,
  type DsrRequest,
  type DsrStatus,
} from '../contracts';
import { dueDate } from '../domain/due-date';
import type { Actor } from '../types';
import { newDocumentId } from '../utils/document-id';
import { getService } from '../utils/get-service';
import { errors } from '../utils/strapi-errors';
import { transaction } from '../utils/transaction';

const DAY = 24 * 60 * 60 * 1000;
/** "Due soon": open and due within this many days. */
export const DUE_SOON_DAYS = 7;

/** A row of consent_dsr_requests as the query engine returns it. */
interface DsrRow extends Omit<DsrRequest, 'overdue' | 'actions'> {
  id: number;
  revision: number;
  actions: DsrAction[] | null;
}

type HistoryInput = Pick<DsrHistoryEntry, 'change'> &
  Partial<Pick<DsrHistoryEntry, 'fromStatus' | 'toStatus' | 'details'>>;

const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string).toISOString();

const isOpen = (status: DsrStatus) => (DSR_OPEN_STATUSES as readonly string[]).includes(status);

/** A row as the API shows it: dates as ISO 8601, the actions as a list, whether it is overdue now. */
const present = (row: DsrRow, now: Date): DsrRequest & { id: number } => ({
  id: row.id,
  documentId: row.documentId,
  kind: row.kind,
  client: row.client ?? null,
  contact: row.contact ?? null,
  channel: row.channel,
  receivedAt: iso(row.receivedAt) as string,
  dueAt: iso(row.dueAt) as string,
  extendedAt: iso(row.extendedAt),
  extensionMonths: row.extensionMonths ?? null,
  extensionReason: row.extensionReason ?? null,
  status: row.status,
  verificationMethod: row.verificationMethod ?? null,
  verifiedBy: row.verifiedBy ?? null,
  verifiedAt: iso(row.verifiedAt),
  refusalReason: row.refusalReason ?? null,
  closedAt: iso(row.closedAt),
  details: row.details ?? null,
  actions: row.actions ?? [],
  overdue: isOpen(row.status) && new Date(row.dueAt).getTime() < now.getTime(),
});

/** 409 in Strapi's error shape (as erasure.ts and retention.ts make it): the request's state forbids it. */
const conflict = (message: string, details: Record<string, unknown> = {}) =>
  createError(409, message, { name: 'ConflictError', details });

/**
 * The register of data-subject requests (GDPR Art. 12(3), 15-21). Each change is one
 * conditional UPDATE on the request's revision (a concurrent change makes it a 409, never a
 * lost update) and one row of its append-only history, in one transaction.
 */
const register = ({ strapi }: { strapi: Core.Strapi }) => {
  const now = () => getService(strapi, 'clock').now();
  const requests = () => strapi.db.query(UID.dsrRequest);

  const history = (request: string, actor: Actor, entry: HistoryInput, at: Date) =>
    strapi.db.query(UID.dsrHistory).create({
      data: {
        request,
        change: entry.change,
        fromStatus: entry.fromStatus ?? null,
        toStatus: entry.toStatus ?? null,
        actorType: actor.type,
        actorId: actor.id != null ? String(actor.id) : null,
        actorName: actor.name ?? null,
        details: entry.details ?? null,
        occurredAt: at,
      },
    });

  const load = async (documentId: string): Promise<DsrRow> => {
    const row = (await requests().findOne({ where: { documentId } })) as DsrRow | null;
    if (!row) throw new errors.NotFoundError('No such data-subject request', { documentId });
    return row;
  };

  /** Apply `data` if nobody changed the request since `row` was read; 409 otherwise. */
  const change = async (
    row: DsrRow,
    data: Record<string, unknown>,
    actor: Actor,
    entry: HistoryInput,
    at: Date
  ): Promise<DsrRow> => {
    const { count } = await requests().updateMany({
      where: { id: row.id, revision: row.revision },
      data: { ...data, revision: row.revision + 1 },
    });
    if (Number(count) !== 1)
      throw conflict('The request was changed meanwhile: reload it and try again', {
        documentId: row.documentId,
      });
    await history(row.documentId, actor, entry, at);
    return load(row.documentId);
  };

  const assertClient = async (client: string, path: string) => {
    if (!(await getService(strapi, 'subjects').exists(client)))
      throw new errors.ValidationError('No client with this document id', {
        errors: [{ path: [path], message: 'no client with this document id' }],
      });
  };

  return {
    async create(
      input: {
        kind: DsrKind;
        channel: DsrChannel;
        client?: string | null;
        contact?: string | null;
        receivedAt?: string | Date;
        details?: string | null;
      },
      actor: Actor,
      /** What the history says about how it came in (e.g. the public form's confirmed address). */
      note?: Record<string, unknown>
    ): Promise<DsrRequest> {
      const at = now();
      const receivedAt = input.receivedAt ? new Date(input.receivedAt) : at;
      if (receivedAt.getTime() > at.getTime())
        throw new errors.ValidationError('receivedAt is in the future', {
          errors: [{ path: ['receivedAt'], message: 'must not be in the future' }],
        });
      if (input.client) await assertClient(input.client, 'client');
      const documentId = newDocumentId();
      const row = await transaction(strapi, async () => {
        await requests().create({
          data: {
            documentId,
            kind: input.kind,
            channel: input.channel,
            client: input.client ?? null,
            contact: input.contact ?? null,
            receivedAt,
            dueAt: dueDate(receivedAt),
            status: 'received',
            details: input.details ?? null,
            actions: [],
            revision: 0,
          },
        });
        await history(
          documentId,
          actor,
          {
            change: 'created',
            toStatus: 'received',
            details: { kind: input.kind, channel: input.channel, ...note },
          },
          at
        );
        return load(documentId);
      });
      return present(row, at);
    },

    async findOne(documentId: string): Promise<DsrRequest & { history: DsrHistoryEntry[] }> {
      const row = await load(documentId);
      const entries = (await strapi.db.query(UID.dsrHistory).findMany({
        where: { request: documentId },
        orderBy: { id: 'asc' },
      })) as DsrHistoryEntry[];
      return {
        ...present(row, now()),
        history: entries.map((e) => ({
          id: e.id,
          change: e.change,
          fromStatus: e.fromStatus ?? null,
          toStatus: e.toStatus ?? null,
          actorType: e.actorType,
          actorId: e.actorId ?? null,
          actorName: e.actorName ?? null,
          details: e.details ?? null,
          occurredAt: iso(e.occurredAt) as string,
        })),
      };
    },

    /** Newest first, keyset-paged by id. `due` narrows to open requests past or near their due date. */
    async list(filter: {
      status?: DsrStatus;
      kind?: DsrKind;
      client?: string;
      due?: 'overdue' | 'due_soon';
      before?: number;
      limit: number;
    }): Promise<{ data: (DsrRequest & { id: number })[]; next: number | null }> {
      const at = now();
      const where: Record<string, unknown>[] = [];
      if (filter.status) where.push({ status: filter.status });
      if (filter.kind) where.push({ kind: filter.kind });
      if (filter.client) where.push({ client: filter.client });
      if (filter.before) where.push({ id: { $lt: filter.before } });
      if (filter.due) {
        where.push({ status: { $in: [...DSR_OPEN_STATUSES] } });
        where.push(
          filter.due === 'overdue'
            ? { dueAt: { $lt: at } }
            : { dueAt: { $gte: at, $lt: new Date(at.getTime() + DUE_SOON_DAYS * DAY) } }
        );
      }
      const rows = (await requests().findMany({
        where: { $and: where },
        orderBy: { id: 'desc' },
        limit: filter.limit + 1,
      })) as DsrRow[];
      const page = rows.slice(0, filter.limit);
      return {
        data: page.map((r) => present(r, at)),
        next: rows.length > filter.limit ? page[page.length - 1].id : null,
      };
    },

    async transition(
      documentId: string,
      input: {
        to: DsrStatus;
        verificationMethod?: string;
        client?: string;
        reason?: string;
        note?: string;
      },
      actor: Actor
    ): Promise<DsrRequest> {
      const at = now();
      const row = await load(documentId);
      if (!canTransition(row.status, input.to))
        throw conflict(`A request cannot go from ${row.status} to ${input.to}`, {
          from: row.status,
          to: input.to,
        });
      if (input.client) {
        if (input.to !== 'verified')
          throw new errors.ValidationError('The client is set on verification', {
            errors: [{ path: ['client'], message: 'only with to: "verified"' }],
          });
        if (row.client && row.client !== input.client)
          throw conflict('The request already names another client', { client: row.client });
        await assertClient(input.client, 'client');
      }
      const data: Record<string, unknown> = { status: input.to };
      if (input.to === 'verified') {
        data.verificationMethod = input.verificationMethod;
        data.verifiedBy = actor.name ?? (actor.id != null ? String(actor.id) : null);
        data.verifiedAt = at;
        if (input.client) data.client = input.client;
      }
      if (input.to === 'refused') data.refusalReason = input.reason;
      if (input.to === 'completed' || input.to === 'refused') data.closedAt = at;
      const details: Record<string, unknown> = {};
      if (input.verificationMethod) details.verificationMethod = input.verificationMethod;
      if (input.client) details.client = input.client;
      if (input.reason) details.reason = input.reason;
      if (input.note) details.note = input.note;
      const updated = await transaction(strapi, () =>
        change(
          row,
          data,
          actor,
          {
            change: 'transition',
            fromStatus: row.status,
            toStatus: input.to,
            details: Object.keys(details).length ? details : null,
          },
          at
        )
      );
      return present(updated, at);
    },

    /** Art. 12(3): once, by one or two months, with a reason, while the request is open. */
    async extend(
      documentId: string,
      input: { months: number; reason: string },
      actor: Actor
    ): Promise<DsrRequest> {
      const at = now();
      const row = await load(documentId);
      if (!isOpen(row.status))
        throw conflict(`A ${row.status} request cannot be extended`, { status: row.status });
      if (row.extendedAt)
        throw conflict('The due date was already extended: Art. 12(3) allows one extension', {
          extendedAt: iso(row.extendedAt),
        });
      const receivedAt = new Date(row.receivedAt);
      const newDue = dueDate(receivedAt, input.months);
      const updated = await transaction(strapi, () =>
        change(
          row,
          {
            dueAt: newDue,
            extendedAt: at,
            extensionMonths: input.months,
            extensionReason: input.reason,
          },
          actor,
          {
            change: 'extended',
            details: {
              months: input.months,
              reason: input.reason,
              from: iso(row.dueAt),
              to: newDue.toISOString(),
            },
          },
          at
        )
      );
      return present(updated, at);
    },

    /** Link a record the request led to; the record must exist. */
    async linkAction(
      documentId: string,
      input: { type: DsrActionType; reference: string; note?: string },
      actor: Actor
    ): Promise<DsrRequest> {
      const at = now();
      const row = await load(documentId);
      if (!(await this.actionExists(input.type, input.reference, row.client)))
        throw new errors.ValidationError(`No ${input.type.replace('_', ' ')} with this reference`, {
          errors: [
            { path: ['reference'], message: `no ${input.type} record with this document id` },
          ],
        });
      const action: DsrAction = {
        type: input.type,
        reference: input.reference,
        note: input.note ?? null,
        linkedAt: at.toISOString(),
      };
      const updated = await transaction(strapi, () =>
        change(
          row,
          { actions: [...(row.actions ?? []), action] },
          actor,
          { change: 'action_linked', details: { ...action } },
          at
        )
      );
      return present(updated, at);
    },

    /**
     * Whether the referenced record exists (and, for a known client, is theirs): an access
     * archive is its audit entry, an erasure its record, a withdrawal the consent event.
     */
    async actionExists(
      type: DsrActionType,
      reference: string,
      client: string | null
    ): Promise<boolean> {
      const own = client ? { subject: client } : {};
      switch (type) {
        case 'access_archive':
          return (
            Number(
              await strapi.db
                .query(UID.audit)
                .count({ where: { documentId: reference, action: 'export.access', ...own } })
            ) === 1
          );
        case 'erasure':
          return (
            Number(
              await strapi.db.query(UID.erasure).count({ where: { documentId: reference, ...own } })
            ) === 1
          );
        case 'consent_withdrawal':
          return (
            Number(
              await strapi.db.query(UID.event).count({
                where: {
                  documentId: reference,
                  decision: { $in: ['withdrawn', 'revoked'] },
                  ...own,
                },
              })
            ) === 1
          );
      }
    },

    /**
     * On the client's erasure: the register keeps each request (kind, dates, status,
     * actions: the proof that it was answered) without the address and free text.
     */
    async forgetPersonalData(client: string): Promise<void> {
      await requests().updateMany({
        where: { client },
        data: { contact: null, details: null },
      });
    },

    /** The overview's counts: open, due within 7 days, overdue (each one count on (status, due_at)). */
    async counts(): Promise<DsrCounts> {
      const at = now();
      const open = { status: { $in: [...DSR_OPEN_STATUSES] } };
      const [all, dueSoon, overdue] = await Promise.all([
        requests().count({ where: open }),
        requests().count({
          where: {
            ...open,
            dueAt: { $gte: at, $lt: new Date(at.getTime() + DUE_SOON_DAYS * DAY) },
          },
        }),
        requests().count({ where: { ...open, dueAt: { $lt: at } } }),
      ]);
      return { open: Number(all), dueSoon: Number(dueSoon), overdue: Number(overdue) };
    },

    /** Every request, oldest first, in keyset batches (the export streams them). */
    async *all(batch = 500): AsyncGenerator<DsrRequest & { id: number }> {
      let after = 0;
      for (;;) {
        const rows = (await requests().findMany({
          where: { id: { $gt: after } },
          orderBy: { id: 'asc' },
          limit: batch,
        })) as DsrRow[];
        const at = now();
        for (const row of rows) yield present(row, at);
        if (rows.length < batch) return;
        after = rows[rows.length - 1].id;
      }
    },
  };
};

export type DsrRegister = ReturnType<typeof register>;
export default register;
