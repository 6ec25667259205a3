import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { errors } from '../utils/strapi-errors';
import { UID } from '../constants';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import type { BookingConsentInput } from '../validation/booking-consent';
import type { DecisionInput } from '../validation/decision';
import type { FinalWrite } from '../ledger';
import { subjectsCreatedHere } from '../ledger';
import { speaksForClient, type Caller } from './intake';
import type { PurposeRow } from '../types';
import type { BookingCheck } from '../contracts';
import { lockSummaryThrough, type SubjectRelation } from '../ledger';
import { metadataOf, queryOf } from '../utils/models';
import { transaction } from '../utils/transaction';
import {
  deleteBookingCheck,
  invalidBookingsSubquery,
  subjectThrough,
  upsertBookingCheck,
} from './queries';

type Missing = { purpose: string | null; status: string };

type Authority = 'all' | 'new' | 'none';

/** A booking's decisions: those recorded now and those held for the client's confirmation. */
export const splitDecisions = (
  decisions: DecisionInput[],
  authority: Authority,
  purposes: Map<string, PurposeRow>
): { now: DecisionInput[]; held: DecisionInput[] } => {
  if (authority === 'all') return { now: decisions, held: [] };
  if (authority === 'none') return { now: [], held: decisions };
  const waits = (d: DecisionInput) =>
    d.decision === 'given' && Boolean(purposes.get(d.purpose)?.doubleOptIn);
  return { now: decisions.filter((d) => !waits(d)), held: decisions.filter(waits) };
};

export interface BookingContext {
  uid: string;
  /** The stored booking (document id, numeric id). */
  booking: { id: number; documentId: string };
  consent?: BookingConsentInput;
  ip?: string | null;
  userAgent?: string | null;
  /** Who wrote the booking (services/intake.ts); the host's own code when absent. */
  caller?: Caller;
  /** The client linked to a logged-in caller (users-permissions), if any. */
  linkedSubject?: string | null;
  /** `block` was already judged on the request alone, before the booking was written. */
  judgedOnRequest?: boolean;
  /** Block only applies to new bookings; updates refresh the check. */
  action: 'create' | 'update';
}

/** The client's decisions as ledger input: one entry per purpose key. */
export const decisionsFrom = (consent: BookingConsentInput): DecisionInput[] => {
  const explicit = new Set(consent.explicit ?? []);
  const entry = (purpose: string, decision: 'given' | 'refused'): DecisionInput => ({
    purpose,
    decision,
    version: consent.versions?.[purpose],
    explicit: decision === 'given' && explicit.has(purpose) ? true : undefined,
  });
  return [
    ...(consent.given ?? []).map((k) => entry(k, 'given')),
    ...(consent.refused ?? []).map((k) => entry(k, 'refused')),
  ];
};

/**
 * Consent recorded with a booking, and the booking's requirement mode. Called by
 * the document middleware inside the booking's transaction: if anything here
 * throws, neither the booking nor the events are stored.
 */
const bookings = ({ strapi }: { strapi: Core.Strapi }) => ({
  settingsFor(uid: string) {
    return (
      getService(strapi, 'config')
        .get()
        .bookings.find((b) => b.uid === uid) ?? null
    );
  },

  /** The booking's client (document id) through the configured relation. */
  async subjectOf(uid: string, bookingId: number): Promise<string | null> {
    const settings = this.settingsFor(uid);
    if (!settings) return null;
    const relation = this.joinTableOf(uid, settings.subject);
    if (relation) {
      // In the caller's transaction (the booking's): its relation row is not committed yet.
      return transaction(strapi, ({ trx }) => subjectThrough(trx, relation, bookingId));
    }
    const row = (await queryOf(strapi, uid).findOne({
      where: { id: bookingId },
      select: ['id'],
      populate: { [settings.subject]: { select: ['documentId'] } },
    })) as Record<string, { documentId?: string } | null> | null;
    return row?.[settings.subject]?.documentId ?? null;
  },

  /**
   * Where the booking -> subject relation is stored, when it is a plain join-table
   * relation (Strapi 5's default): then subjectOf() reads it in one query on the
   * join table joined to the subject table, instead of findOne + populate (two),
   * and on PostgreSQL the ledger's lockSummaryThrough() reads it with the summary lock.
   * Null otherwise, and the query engine reads it.
   */
  joinTableOf(uid: string, field: string): SubjectRelation | null {
    const attribute = metadataOf(strapi, uid)?.attributes?.[field] as
      | {
          target?: string;
          joinTable?: {
            name: string;
            joinColumn: { name: string; referencedColumn?: string };
            inverseJoinColumn: { name: string; referencedColumn?: string };
            on?: unknown;
          };
        }
      | undefined;
    const joinTable = attribute?.joinTable;
    if (!attribute?.target || !joinTable || joinTable.on) return null;
    if (
      (joinTable.joinColumn.referencedColumn ?? 'id') !== 'id' ||
      (joinTable.inverseJoinColumn.referencedColumn ?? 'id') !== 'id'
    )
      return null;
    return {
      joinTable: joinTable.name,
      ownerColumn: joinTable.joinColumn.name,
      subjectColumn: joinTable.inverseJoinColumn.name,
      subjectTable: metadataOf(strapi, attribute.target).tableName,
    };
  },

  async afterWrite(context: BookingContext): Promise<void> {
    const settings = this.settingsFor(context.uid);
    if (!settings) return;
    const caller = context.caller ?? { kind: 'server' };
    const decisions = context.consent ? decisionsFrom(context.consent) : [];
    const relation =
      decisions.length > 0 && dialectOf(strapi) === 'postgres'
        ? this.joinTableOf(context.uid, settings.subject)
        : null;
    const recordInput = (subject: string, list: DecisionInput[]) => ({
      subject,
      decisions: list,
      channel: 'booking_page' as const,
      locale: context.consent?.locale,
      source: `booking:${context.uid}`,
      // Staff in the Content Manager are recorded as themselves; everyone else decides as the client.
      actor: caller.kind === 'admin' ? caller.actor : { type: 'subject' as const },
      ip: context.ip,
      userAgent: context.userAgent,
      bookingId: context.booking.documentId,
    });

    /**
     * The requirement check: refuses (block) or returns the check row to write (warn). `block`
     * judges the stored consent only for a caller who decides for this client; anyone else was
     * judged on the request alone (judgeRequest), so that what is stored never shows.
     */
    const check = (
      trx: Knex.Transaction,
      missing: Missing[],
      subject: string | null,
      storeJudged: boolean
    ) => {
      if (
        missing.length > 0 &&
        storeJudged &&
        settings.requirement === 'block' &&
        context.action === 'create'
      ) {
        throw new errors.ValidationError(
          'The client has not given the consent this booking requires',
          {
            missing,
            errors: missing.map((m) => ({
              path: ['data', 'consent', 'given'],
              message: `consent to "${m.purpose}" is ${m.status}`,
            })),
          }
        );
      }
      // Only a booking whose client lacks valid consent is marked: a valid new booking writes
      // nothing (one row and six index entries less per booking), an update clears an old mark.
      if (missing.length === 0) {
        return context.action === 'create'
          ? null
          : this.clearCheck(trx, context.uid, context.booking.documentId);
      }
      return this.checkWrite(trx, context.uid, context.booking.documentId, subject, missing);
    };

    /** The check as the ledger's final write: decided on the purposes and states after the decisions. */
    const finalWrite = (subject: string | null, storeJudged: boolean): FinalWrite | undefined =>
      settings.requirement === 'none'
        ? undefined
        : (trx, after) =>
            check(
              trx,
              getService(strapi, 'states').missingFrom(after.purposes, after.states),
              subject,
              storeJudged
            );

    const intake = getService(strapi, 'intake');
    const created = decisions.length > 0 ? await subjectsCreatedHere(strapi) : [];

    // PostgreSQL, a client created with this booking (in its transaction): the client's first
    // decisions in one statement, when all of them count at once. The purposes read last decide
    // which wait for a link (double opt-in); the statement checks that they are still the ones
    // in the database. Anything else is decided on the locked path below.
    if (relation && created.length === 1) {
      const known = getService(strapi, 'purposes').lastRead();
      const authority = this.authorityOf(caller, context.linkedSubject ?? null, created[0], true);
      const split = known
        ? splitDecisions(decisions, authority, new Map(known.rows.map((p) => [p.key, p])))
        : null;
      if (split && split.held.length === 0) {
        const first = await getService(strapi, 'ledger').recordFirstDecisions(
          recordInput(created[0], split.now),
          {
            relation,
            ownerId: context.booking.id,
            finalWrite: finalWrite(created[0], authority === 'all'),
          }
        );
        if (first) return;
      }
    }

    // PostgreSQL, consent to record: find the client and lock its consent summary in one statement.
    const locked = relation
      ? await transaction(strapi, ({ trx }) =>
          lockSummaryThrough(strapi, trx, relation, context.booking.id)
        )
      : undefined;
    const subject =
      locked !== undefined
        ? (locked?.subject ?? null)
        : await this.subjectOf(context.uid, context.booking.id);

    if (decisions.length > 0) {
      if (!subject) {
        throw new errors.ValidationError('Consent was given with a booking that has no client', {
          errors: [
            { path: ['data', settings.subject], message: 'a booking with consent needs a client' },
          ],
        });
      }
      const authority = this.authorityOf(
        caller,
        context.linkedSubject ?? null,
        subject,
        created.includes(subject)
      );
      // A caller who decides for the client records everything: no purposes to read for a split.
      // Otherwise they are read once, for the block judgement, the split, the texts check and the requirement check.
      const purposeList = authority === 'all' ? null : await getService(strapi, 'purposes').list();
      if (
        purposeList &&
        !context.judgedOnRequest &&
        settings.requirement === 'block' &&
        context.action === 'create'
      ) {
        intake.assertRequestGivesRequired(context.consent, purposeList);
      }
      const purposes = purposeList ? intake.byKey(purposeList) : null;
      const { now, held } = purposes
        ? splitDecisions(decisions, authority, purposes)
        : { now: decisions, held: [] };
      if (purposes && held.length > 0) {
        // Checked as if recorded now (unknown purpose, explicit tick, a stale version: the same
        // 400 or 409 whether the address was known or not), then held for the client's confirmation.
        await getService(strapi, 'ledger').resolveTexts(
          purposes,
          recordInput(subject, held),
          new Map()
        );
      }
      if (now.length > 0) {
        await getService(strapi, 'ledger').recordDecisions(recordInput(subject, now), {
          // The subject was just read through the booking's relation, joined to the subject table.
          subjectExists: true,
          locked,
          // The check is written with the ledger's last statement.
          finalWrite: finalWrite(subject, authority === 'all'),
        });
      } else if (settings.requirement !== 'none') {
        const missing = await getService(strapi, 'states').missingRequired(
          subject,
          purposeList ?? undefined
        );
        await transaction(strapi, async ({ trx }) => {
          await check(trx, missing, subject, false);
        });
      }
      if (held.length > 0) {
        await getService(strapi, 'confirmations').hold(
          {
            subject,
            decisions: held,
            locale: context.consent?.locale,
            booking: { uid: context.uid, documentId: context.booking.documentId },
          },
          {
            newClient: created.includes(subject),
            summaryLocked: locked !== undefined && locked !== null,
          }
        );
      }
      return;
    }

    if (settings.requirement === 'none') return;
    const missing: Missing[] = subject
      ? await getService(strapi, 'states').missingRequired(subject)
      : [{ purpose: null, status: 'no_client' }];
    const storeJudged =
      speaksForClient(caller) || (subject !== null && subject === context.linkedSubject);
    await transaction(strapi, async ({ trx }) => {
      await check(trx, missing, subject, storeJudged);
    });
  },

  /**
   * Which of a booking's decisions count at once (see docs/booking-intake.md):
   * - `all`: the caller decides for this client (server code, staff, a trusted API token,
   *   the logged-in user linked to the client);
   * - `new`: an anonymous caller and a client created by this very booking: all but the given
   *   consents to double opt-in purposes, which wait for the link;
   * - `none`: an anonymous caller naming an existing client: every decision waits for the
   *   client's confirmation through the address on file.
   */
  authorityOf(
    caller: Caller,
    linkedSubject: string | null,
    subject: string,
    createdHere: boolean
  ): Authority {
    if (speaksForClient(caller) || (linkedSubject !== null && subject === linkedSubject))
      return 'all';
    return createdHere ? 'new' : 'none';
  },

  /**
   * The booking's check row as one statement: an upsert on (booking uid, booking id).
   * A new booking gets its row; an updated one has its row refreshed (same id,
   * document id and created_at), as the find-then-update it replaces did.
   */
  checkWrite(
    trx: Knex.Transaction,
    uid: string,
    bookingId: string,
    subject: string | null,
    missing: unknown[]
  ): Knex.QueryBuilder {
    return upsertBookingCheck(trx, { uid, bookingId, subject, missing });
  },

  clearCheck(trx: Knex.Transaction, uid: string, bookingId: string): Knex.QueryBuilder {
    return deleteBookingCheck(trx, uid, bookingId);
  },

  /**
   * A booking's consent mark: the stored row when its client lacked valid consent;
   * `{ valid: true, missing: [] }` for an existing booking without a mark; null when
   * the booking does not exist or its type is not checked (requirement none).
   */
  async findCheck(uid: string, bookingId: string) {
    const row = await strapi.db
      .query(UID.bookingCheck)
      .findOne({ where: { bookingUid: uid, bookingId } });
    if (row) return row;
    if (this.settingsFor(uid)?.requirement === 'none') return null;
    const booking = await queryOf(strapi, uid).findOne({
      where: { documentId: bookingId },
      select: ['id'],
    });
    return booking ? { bookingUid: uid, bookingId, valid: true, missing: [] } : null;
  },

  /**
   * The marks of several bookings of one type (by document id): the stored row where there
   * is one, `{ valid: true, missing: [] }` for a booking without a mark (as findCheck).
   */
  async findChecks(uid: string, bookingIds: string[]): Promise<Record<string, BookingCheck>> {
    const rows = (await strapi.db.query(UID.bookingCheck).findMany({
      where: { bookingUid: uid, bookingId: { $in: bookingIds } },
      select: ['bookingId', 'subject', 'valid', 'missing', 'checkedAt'],
    })) as (BookingCheck & { bookingId: string })[];
    const byId = new Map(rows.map(({ bookingId, ...check }) => [bookingId, check]));
    return Object.fromEntries(
      bookingIds.map((id) => [id, byId.get(id) ?? { valid: true, missing: [] }])
    );
  },

  /**
   * The Content Manager list filter on a booking type: the bookings made with valid consent
   * (no mark saying otherwise) or without. One subquery on the marks' (uid, id) index; not
   * async, as a knex builder is a thenable.
   */
  listFilter(uid: string, filter: 'valid' | 'invalid') {
    const invalid = invalidBookingsSubquery(strapi.db.connection, uid);
    return { documentId: filter === 'invalid' ? { $in: invalid } : { $notIn: invalid } };
  },

  /** A deleted booking takes its check with it; its consent events stay, they are the proof. */
  async afterDelete(uid: string, bookingId: string) {
    await strapi.db.query(UID.bookingCheck).deleteMany({ where: { bookingUid: uid, bookingId } });
  },
});

export default bookings;
