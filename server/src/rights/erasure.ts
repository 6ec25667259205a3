import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import createError from 'http-errors';
import { HUB_EVENT, TABLE, UID } from '../constants';
import { PERSONAL_EVENT_COLUMNS } from '../domain/evidence';
import { getService } from '../utils/get-service';
import type { AuditEntryInput } from '../proof';
import { lockSummary } from '../ledger';
import { metadataOf, queryOf } from '../utils/models';
import { transaction } from '../utils/transaction';
import {
  countOfSubject,
  deleteBookingChecks,
  eraseRequests,
  markSummaryErased,
  redactEvents,
} from './queries';

/** A host type holding a client's data, as erasure and the retention rule see it. */
export interface RelatedType {
  uid: string;
  /** The relation attribute pointing at the client. */
  subject: string;
  onErase: 'keep' | 'anonymise' | 'delete';
  personalFields: string[];
  activityField: string;
}

/**
 * What an erasure touched (a dry run: would touch), flat: `client`, `events`
 * (redacted), `requests`, `requestsCancelled`, `tokens` (deleted), and per related
 * uid the number of its documents (anonymised, deleted or kept: see `related`).
 */
export type ErasureCounts = Record<string, number>;

export interface RelatedOutcome {
  uid: string;
  onErase: RelatedType['onErase'];
  documents: number;
}

export interface ErasureRecord {
  id: number;
  documentId: string;
  subject: string;
  identifierDigests: { email: string | null; phone: string | null } | null;
  reason: string;
  origin: 'request' | 'retention';
  retentionRun: string | null;
  counts: ErasureCounts | null;
  erasedAt: string;
  erasedById: string | null;
  erasedByName: string | null;
}

export interface EraseInput {
  subject: string;
  reason: string;
  actor: AuditEntryInput['actor'];
  dryRun?: boolean;
  origin?: 'request' | 'retention';
  retentionRun?: string | null;
}

/** A dry run's counts, or the erasure record with dryRun false. */
export type EraseResult =
  | { dryRun: true; subject: string; counts: ErasureCounts; related: RelatedOutcome[] }
  | (ErasureRecord & { dryRun: false; related: RelatedOutcome[] });

/** Requests a client could still answer (or that are still to be sent): erasure cancels them. */
const OPEN_REQUEST_STATUSES = ['queued', 'sent'];

/** Chunks of ids for IN lists (SQLite allows 999 bound variables per statement). */
const chunks = <T>(list: T[], size = 500): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
};

/** How an identifier is digested: the same spelling of an address always gives the same digest. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
export const normalisePhone = (phone: string): string => {
  const trimmed = phone.trim();
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '');
};

/** A client's login, when the host links clients to users-permissions accounts (config subject.user). */
const LOGIN_UID = 'plugin::users-permissions.user';

const notFound = (subject: string) => new errors.NotFoundError('Subject not found', { subject });

/**
 * Erasure of one client (GDPR Art. 17): the client's personal fields blanked, the
 * related records anonymised, deleted or kept as configured (bookkeeping, Art.
 * 17(3)), the personal fields of its consent events redacted (the chain covers
 * their keyed digests, so it still verifies), its requests' free text removed and
 * open ones cancelled, its link tokens deleted; and an erasure record that keeps
 * only keyed digests of the email and phone. All in one transaction.
 */
const erasure = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The configured related types; every booking type is one by default (anonymised, no personal fields). */
  relatedTypes(): RelatedType[] {
    const config = getService(strapi, 'config').get();
    const related: RelatedType[] = config.dataSubject.related.map((r) => ({ ...r }));
    for (const booking of config.bookings) {
      if (related.some((r) => r.uid === booking.uid)) continue;
      related.push({
        uid: booking.uid,
        subject: booking.subject,
        onErase: 'anonymise',
        personalFields: [],
        activityField: 'createdAt',
      });
    }
    for (const r of related) this.assertRelated(r);
    return related;
  },

  /** A related type whose uid or fields do not exist is a configuration error, named, not a 500 deep in SQL. */
  assertRelated(r: RelatedType): void {
    const meta = metadataOf(strapi, r.uid) as
      | { attributes: Record<string, { type: string }> }
      | undefined;
    const problem = (what: string) =>
      new errors.ApplicationError(`consent config dataSubject.related (${r.uid}): ${what}`);
    if (!meta) throw problem('unknown content type');
    if (meta.attributes[r.subject]?.type !== 'relation')
      throw problem(`"${r.subject}" is not a relation`);
    for (const field of [...r.personalFields, r.activityField]) {
      const attribute = meta.attributes[field];
      if (
        !attribute ||
        attribute.type === 'relation' ||
        attribute.type === 'component' ||
        attribute.type === 'dynamiczone'
      ) {
        throw problem(`"${field}" is not a scalar field`);
      }
    }
  },

  /** The client's fields blanked on erasure (the name field gets dataSubject.erasedName instead). */
  subjectData(): Record<string, unknown> {
    const config = getService(strapi, 'config').get();
    const s = config.subject;
    const fields =
      config.dataSubject.subjectFields ??
      [s.email, s.phone, s.name, s.language].filter((f): f is string => Boolean(f));
    const data: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, null]));
    if (s.name) data[s.name] = config.dataSubject.erasedName;
    return data;
  },

  async findBySubject(subject: string): Promise<ErasureRecord | null> {
    return (await strapi.db
      .query(UID.erasure)
      .findOne({ where: { subject }, orderBy: { id: 'desc' } })) as ErasureRecord | null;
  },

  /** Newest first, paged. */
  async list(page: number, pageSize: number) {
    const [results, total] = await Promise.all([
      strapi.db.query(UID.erasure).findMany({
        orderBy: [{ erasedAt: 'desc' }, { id: 'desc' }],
        offset: (page - 1) * pageSize,
        limit: pageSize,
      }),
      strapi.db.query(UID.erasure).count({}),
    ]);
    return {
      results: results as ErasureRecord[],
      pagination: { page, pageSize, total, pageCount: Math.ceil(total / pageSize) },
    };
  },

  /** The rows of each related type that point at the client (all rows: drafts and published versions alike). */
  async relatedRows(
    clientId: number
  ): Promise<{ type: RelatedType; rows: { id: number; documentId: string }[] }[]> {
    return Promise.all(
      this.relatedTypes().map(async (type) => ({
        type,
        rows: (await queryOf(strapi, type.uid).findMany({
          where: { [type.subject]: { id: clientId } },
          select: ['id', 'documentId'],
        })) as { id: number; documentId: string }[],
      }))
    );
  },

  /**
   * Erase one client, or with dryRun only count what would be erased. A client
   * erased before gets a 409 (ConflictError) naming the earlier erasure: erasing
   * is done once, and the earlier record is the proof.
   */
  async erase(input: EraseInput): Promise<EraseResult> {
    const subjectUid = getService(strapi, 'subjects').uid();
    const config = getService(strapi, 'config').get();
    const fields = config.subject;

    const result = await transaction(strapi, async ({ trx, onCommit }) => {
      const client = (await queryOf(strapi, subjectUid).findOne({
        where: { documentId: input.subject },
        select: [
          'id',
          'documentId',
          ...[fields.email, fields.phone].filter((f): f is string => Boolean(f)),
        ],
      })) as Record<string, unknown> | null;
      if (!client) throw notFound(input.subject);
      if (!input.dryRun) {
        // Serialise with the ledger (a decision being recorded for this client) and with a concurrent erasure.
        await lockSummary(strapi, trx, input.subject);
      }
      const earlier = await this.findBySubject(input.subject);
      if (earlier) {
        throw createError(409, 'This client has already been erased', {
          name: 'ConflictError',
          details: { erasure: earlier },
        });
      }

      const related = await this.relatedRows(client.id as number);
      const login = await this.linkedLogin(client.id as number);
      const outcomes: RelatedOutcome[] = related.map(({ type, rows }) => ({
        uid: type.uid,
        onErase: type.onErase,
        documents: new Set(rows.map((r) => r.documentId)).size,
      }));
      const counts: ErasureCounts = {
        client: 1,
        ...Object.fromEntries(outcomes.map((o) => [o.uid, o.documents])),
        events: await countOfSubject(trx, TABLE.event, input.subject),
        requests: await countOfSubject(trx, TABLE.request, input.subject),
        requestsCancelled: await countOfSubject(
          trx,
          TABLE.request,
          input.subject,
          OPEN_REQUEST_STATUSES
        ),
        tokens: await countOfSubject(trx, TABLE.token, input.subject),
        ...(login !== null ? { login: 1 } : {}),
      };
      if (input.dryRun)
        return { dryRun: true as const, subject: input.subject, counts, related: outcomes };

      const now = new Date();
      const keys = getService(strapi, 'keys');
      const text = (field: string | undefined) =>
        field && typeof client[field] === 'string' && (client[field] as string).trim() !== ''
          ? (client[field] as string)
          : null;
      const email = text(fields.email);
      const phone = text(fields.phone);
      const identifierDigests = {
        email: email ? await keys.digest('identifier', normaliseEmail(email)) : null,
        phone: phone ? await keys.digest('identifier', normalisePhone(phone)) : null,
      };

      // The client: personal fields blanked; the row stays, so bookings and events keep pointing at it.
      await queryOf(strapi, subjectUid).updateMany({
        where: { documentId: input.subject },
        data: this.subjectData(),
      });

      // The client's own login (users-permissions), when the host links one: its email and
      // username are personal data too. The account is blocked, its identifiers replaced,
      // its password and pending tokens removed; the link stays, pointing at nobody.
      if (login !== null) {
        await queryOf(strapi, LOGIN_UID).update({
          where: { id: login },
          data: {
            username: `erased-${login}`,
            email: `erased-${login}@erased.invalid`,
            blocked: true,
            confirmed: false,
            password: null,
            resetPasswordToken: null,
            confirmationToken: null,
          },
        });
      }

      // Related records, through the query engine: no document middleware runs, so an
      // anonymised booking records no consent and is not checked again.
      for (const { type, rows } of related) {
        const ids = rows.map((r) => r.id);
        if (ids.length === 0 || type.onErase === 'keep') continue;
        if (type.onErase === 'anonymise') {
          if (type.personalFields.length === 0) continue;
          const data = Object.fromEntries(type.personalFields.map((f) => [f, null]));
          for (const part of chunks(ids))
            await queryOf(strapi, type.uid).updateMany({ where: { id: { $in: part } }, data });
        } else {
          // One by one: the query engine's delete() also removes the row's relations.
          for (const id of ids) await queryOf(strapi, type.uid).delete({ where: { id } });
          const documentIds = [...new Set(rows.map((r) => r.documentId))];
          for (const part of chunks(documentIds)) await deleteBookingChecks(trx, type.uid, part);
        }
      }

      // Consent events: the redaction of the proof contract (raw UPDATE, past the append-only guard):
      // personal columns to NULL, actor_name only when the actor was the client, redacted_at stamped.
      const redaction: Record<string, unknown> = Object.fromEntries(
        PERSONAL_EVENT_COLUMNS.filter((c) => c !== 'actor_name').map((c) => [c, null])
      );
      if (this.hasRedactedAt()) redaction.redacted_at = now;
      await redactEvents(trx, input.subject, redaction);

      // Requests: free text (a failure reason may quote an address) removed, open ones cancelled.
      await eraseRequests(trx, input.subject, OPEN_REQUEST_STATUSES, now);
      // The register of data-subject requests keeps the request (the proof it was answered), not the address or free text.
      await getService(strapi, 'dsr').forgetPersonalData(input.subject);
      await markSummaryErased(trx, input.subject, now);

      const record = (await strapi.db.query(UID.erasure).create({
        data: {
          subject: input.subject,
          identifierDigests,
          reason: input.reason,
          origin: input.origin ?? 'request',
          retentionRun: input.retentionRun ?? null,
          counts,
          erasedAt: now,
          erasedById: input.actor.id != null ? String(input.actor.id) : null,
          erasedByName: input.actor.name ?? null,
        },
      })) as ErasureRecord;
      await getService(strapi, 'audit').record({
        action: 'erase.subject',
        actor: input.actor,
        subject: input.subject,
        details: {
          erasure: record.documentId,
          origin: record.origin,
          retentionRun: record.retentionRun,
          counts,
          related: outcomes,
        },
      });
      onCommit(() =>
        strapi.eventHub.emit(HUB_EVENT.erased, { subject: input.subject, erasure: record })
      );
      return { ...record, dryRun: false as const, related: outcomes };
    });
    return result as EraseResult;
  },

  /** The id of the users-permissions account linked to the client (config subject.user), if any. */
  async linkedLogin(clientId: number): Promise<number | null> {
    const field = getService(strapi, 'config').get().subject.user;
    if (!field) return null;
    const row = (await queryOf(strapi, getService(strapi, 'subjects').uid()).findOne({
      where: { id: clientId },
      select: ['id'],
      populate: { [field]: { select: ['id'] } },
    })) as Record<string, { id: number } | null> | null;
    return row?.[field]?.id ?? null;
  },

  /** The proof's redacted_at column exists once the hash chain (tamper evidence) is installed. */
  hasRedactedAt(): boolean {
    const meta = metadataOf(strapi, UID.event) as { attributes: Record<string, unknown> };
    return Boolean(meta.attributes.redactedAt);
  },
});

export default erasure;
