/**
 * The ledger's summary row, its lock and the states read under it (SQL only: the services
 * decide when). The subject's consent summary row as the ledger's lock: every writer of a
 * subject's consent takes it first (creating the row when it is missing), so
 * concurrent decisions of one client apply in order and the hash chain's head is
 * read and moved by one writer at a time. Also the states read once it is held.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TABLE, UID } from '../../constants';
import { dialectOf, quoteId, supportsRowLocks } from '../../utils/dialect';
import { newDocumentId } from '../../utils/document-id';
import { fromColumns } from '../../utils/rows';
import { preparedRaw } from '../../utils/prepared';
import { getService } from '../../utils/get-service';
import type { StateRow } from '../../types';

/** A relation to the subject type stored in a join table (bookings.joinTableOf()). */
export interface SubjectRelation {
  joinTable: string;
  /** The join table's column holding the owner's (booking's) row id. */
  ownerColumn: string;
  /** The join table's column holding the subject's row id. */
  subjectColumn: string;
  subjectTable: string;
}

export interface LockedSummary {
  id: number;
  last_event_id: number | null;
  last_decision_at: string | Date | number | null;
  /** The subject's event chain head (domain/chain): the last event's sequence number and hash; null before its first event. */
  chain_seq: number | string | null;
  chain_head: string | null;
  /** When the subject was erased (rights/erasure.ts); the ledger then records nothing more for it. */
  erased_at?: string | Date | number | null;
  /**
   * PostgreSQL: the lock statement created the summary row (RETURNING xmax = 0),
   * and the purposes' version read by that statement. A subject without a summary
   * row has no states (the ledger writes both in one transaction, holding this
   * row's lock; rebuild() writes both too), so its states need no read.
   */
  new_row?: boolean;
  purposes_version?: string | null;
}

export interface LockedSubject {
  subject: string;
  summary: LockedSummary;
}

/** In RETURNING of INSERT ... ON CONFLICT DO UPDATE: true when the row was inserted, not updated (PostgreSQL). */
const NEW_ROW_SQL = '(xmax = 0) AS new_row';

/**
 * The subject's states, read once the summary lock is held, and in the same
 * statement the purposes' version (purposes.versionSql()): purposes.listAt()
 * re-reads the purposes only when they changed since its last read.
 */
export const readStates = async (
  strapi: Core.Strapi,
  trx: Knex.Transaction,
  subject: string
): Promise<{ stateRows: StateRow[]; purposesVersion: string | null }> => {
  const rows = (await trx
    .select(
      trx.raw(`${getService(strapi, 'purposes').versionSql()} AS consent_purposes_version`),
      's.*'
    )
    .from(trx.raw('(SELECT 1 AS one) v'))
    .leftJoin({ s: TABLE.state }, (join) =>
      join.on('s.subject', '=', trx.raw('?', [subject]))
    )) as Record<string, unknown>[];
  return {
    purposesVersion: (rows[0]?.consent_purposes_version as string | null | undefined) ?? null,
    stateRows: rows
      .filter((row) => row.id != null)
      .map((row) => fromColumns<StateRow>(strapi, UID.state, row)),
  };
};

/**
 * Create the subject's summary row if it is missing, take its row lock and read
 * what the summary update needs. PostgreSQL and SQLite do it in one statement
 * (an upsert whose no-op update locks the row, RETURNING the row as it is once
 * the lock is held); MySQL/MariaDB have no RETURNING: insert-ignore, then SELECT ... FOR UPDATE.
 */
export const lockSummary = async (
  strapi: Core.Strapi,
  trx: Knex.Transaction,
  subject: string
): Promise<LockedSummary> => {
  const now = new Date();
  const row = {
    document_id: newDocumentId(),
    subject,
    created_at: now,
    updated_at: now,
    published_at: now,
  };
  const columns = [
    'id',
    'last_event_id',
    'last_decision_at',
    'chain_seq',
    'chain_head',
    'erased_at',
  ];
  const dialect = dialectOf(strapi);
  if (dialect === 'postgres') {
    const [locked] = (await trx(TABLE.subject)
      .insert(row)
      .onConflict('subject')
      .merge({ subject })
      .returning([
        ...columns,
        trx.raw(NEW_ROW_SQL),
        trx.raw(`${getService(strapi, 'purposes').versionSql()} AS purposes_version`),
      ])) as LockedSummary[];
    return locked;
  }
  if (dialect === 'sqlite') {
    const [locked] = (await trx(TABLE.subject)
      .insert(row)
      .onConflict('subject')
      .merge({ subject })
      .returning(columns)) as LockedSummary[];
    return locked;
  }
  // ON DUPLICATE KEY UPDATE, not INSERT IGNORE: on an existing row InnoDB then takes the
  // exclusive lock at once. INSERT IGNORE takes a shared one, and upgrading it in the
  // SELECT ... FOR UPDATE below deadlocks with any other transaction already queued for
  // the row's exclusive lock (a rebuild batch, another booking of the same client).
  await trx(TABLE.subject).insert(row).onConflict('subject').merge({ subject });
  const lock = trx(TABLE.subject).where('subject', subject).first(columns);
  return (await (supportsRowLocks(dialect) ? lock.forUpdate() : lock)) as LockedSummary;
};

/**
 * `<join table> l JOIN <subject table> s ... WHERE l.<owner column> = ?`: the subject
 * row (`s`) a relation row of the owner (a booking) points to, for a FROM clause.
 */
export const subjectThroughSql = (relation: SubjectRelation): string => {
  const id = (name: string) => quoteId('postgres', name);
  return (
    `${id(relation.joinTable)} l JOIN ${id(relation.subjectTable)} s ` +
    `ON s.id = l.${id(relation.subjectColumn)} WHERE l.${id(relation.ownerColumn)} = ?`
  );
};

/**
 * PostgreSQL: the subject a relation row points to (a booking's client, through
 * the relation's join table) and lockSummary() of that subject, in ONE statement
 * (INSERT ... SELECT ... ON CONFLICT DO UPDATE ... RETURNING). Null when the
 * relation holds no subject: then nothing is written. Pass the result to
 * recordDecisions({ locked }) in the same transaction.
 */
export const lockSummaryThrough = async (
  strapi: Core.Strapi,
  trx: Knex.Transaction,
  relation: SubjectRelation,
  ownerId: number
): Promise<LockedSubject | null> => {
  if (dialectOf(strapi) !== 'postgres')
    throw new Error('consent: lockSummaryThrough() is for PostgreSQL');
  const now = new Date();
  const result = (await preparedRaw(
    strapi,
    trx,
    `INSERT INTO ${TABLE.subject} (document_id, subject, created_at, updated_at, published_at) ` +
      `SELECT ?, s.document_id, ?, ?, ? FROM ${subjectThroughSql(relation)} LIMIT 1 ` +
      `ON CONFLICT (subject) DO UPDATE SET subject = EXCLUDED.subject ` +
      `RETURNING id, subject, last_event_id, last_decision_at, chain_seq, chain_head, erased_at, ${NEW_ROW_SQL}, ` +
      `${getService(strapi, 'purposes').versionSql()} AS purposes_version`,
    [newDocumentId(), now, now, now, ownerId]
  )) as { rows: (LockedSummary & { subject: string })[] };
  const row = result.rows[0];
  if (!row) return null;
  const { subject, ...summary } = row;
  return { subject, summary };
};
