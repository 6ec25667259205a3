import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { UID, type AuditAction } from '../constants';
import { adminActor } from '../utils/admin-user';

export interface AuditEntryInput {
  action: AuditAction;
  actor: { type: 'admin' | 'system' | 'cli'; id?: string | number | null; name?: string | null };
  subject?: string | null;
  outcome?: 'ok' | 'failed';
  /** What was done, without personal data (counts, formats, ids, a rule). */
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  id: number;
  documentId: string;
  action: AuditAction;
  actorType: 'admin' | 'system' | 'cli';
  actorId: string | null;
  actorName: string | null;
  subject: string | null;
  outcome: 'ok' | 'failed';
  details: Record<string, unknown> | null;
  occurredAt: string;
}

/**
 * The audit trail of data-rights operations (exports, receipts, access archives,
 * erasures, retention runs, imports, verifications). Append-only like the event
 * log: the lifecycle guard refuses updates and deletes.
 */
const audit = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The admin behind a request, as an audit actor. */
  actorOf(ctx: Context): AuditEntryInput['actor'] {
    const actor = adminActor(ctx);
    return { type: 'admin', id: actor.id ?? null, name: actor.name ?? null };
  },

  /** Record one entry (joins the caller's transaction when there is one). */
  async record(input: AuditEntryInput): Promise<AuditEntry> {
    return (await strapi.db.query(UID.audit).create({
      data: {
        action: input.action,
        actorType: input.actor.type,
        actorId: input.actor.id != null ? String(input.actor.id) : null,
        actorName: input.actor.name ?? null,
        subject: input.subject ?? null,
        outcome: input.outcome ?? 'ok',
        details: input.details ?? null,
        occurredAt: new Date(),
      },
    })) as AuditEntry;
  },

  /** Newest first, keyset-paged by id; optionally one subject's or one action's entries. */
  async list(
    options: { subject?: string; action?: string; before?: number; limit?: number } = {}
  ): Promise<{ entries: AuditEntry[]; next: number | null }> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
    const where: Record<string, unknown> = {};
    if (options.subject) where.subject = options.subject;
    if (options.action) where.action = options.action;
    if (options.before) where.id = { $lt: options.before };
    const entries = (await strapi.db
      .query(UID.audit)
      .findMany({ where, orderBy: { id: 'desc' }, limit: limit + 1 })) as AuditEntry[];
    const more = entries.length > limit;
    const page = entries.slice(0, limit);
    return { entries: page, next: more ? page[page.length - 1].id : null };
  },
});

export default audit;
