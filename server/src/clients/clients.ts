import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { contentTypes } from '@strapi/utils';

export { CLIENT_STATES, type ClientState } from '../constants';
import { subjectStatus, type SubjectReason, type SubjectStatus } from '../domain/state-machine';
import { getService } from '../utils/get-service';
import { contentTypeOf, metadataOf } from '../utils/models';
import {
  clientsPage,
  consentRequestsOf,
  filteredClients,
  listFilterSubquery,
  summariesOf,
  type ClientFilter,
  type HostTable,
} from './queries';

export type { ClientFilter } from './queries';

export interface ClientRow {
  documentId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  status: SubjectStatus;
  valid: boolean;
  lastDecisionAt: string | null;
  lastRequest: {
    status: string;
    channel: string | null;
    sentAt: string | null;
    createdAt: string;
  } | null;
}

const iso = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : new Date(value as string | number | Date).toISOString();

/**
 * The clients list of the admin panel: the host's subject type (api::client.client)
 * joined to the consent summary (one row per subject with a decision), filtered by
 * consent state and keyset-paginated on the document id. No count, no offset:
 * each page is one indexed query whatever the table size.
 */
const clients = ({ strapi }: { strapi: Core.Strapi }) => ({
  host(): HostTable {
    const config = getService(strapi, 'config').get().subject;
    const uid = config.uid;
    const meta = metadataOf(strapi, uid) as unknown as {
      tableName: string;
      attributes: Record<string, { columnName?: string }>;
    };
    const column = (field: string | undefined) =>
      field ? (meta.attributes[field]?.columnName ?? field) : null;
    return {
      table: meta.tableName,
      draftAndPublish: contentTypes.hasDraftAndPublish(contentTypeOf(strapi, uid)),
      name: column(config.name),
      email: column(config.email),
      phone: column(config.phone),
    };
  },

  /** Host rows `c` joined to their summary `s`, restricted to a filter (queries.ts filteredClients()). */
  filtered(
    db: Knex | Knex.Transaction,
    filter: ClientFilter,
    fingerprint: string,
    after?: string | null
  ) {
    return filteredClients(db, this.host(), filter, fingerprint, after);
  },

  /** The client document ids of a filter, as a subquery (campaign audiences: never loaded into memory). */
  documentIdsQuery(db: Knex | Knex.Transaction, filter: ClientFilter, fingerprint: string) {
    return this.filtered(db, filter, fingerprint).query.select('c.document_id');
  },

  /** One keyset page: the clients after `after` (a document id) in document id order. */
  async page(filter: ClientFilter, { after, limit }: { after?: string | null; limit: number }) {
    const host = this.host();
    const fingerprint = await getService(strapi, 'states').currentFingerprint();
    const rows = await clientsPage(strapi.db.connection, host, filter, fingerprint, {
      after,
      limit: limit + 1,
    });
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const requests = await this.lastRequests(pageRows.map((r) => r.documentId as string));
    const data: ClientRow[] = pageRows.map((row) => {
      const valid = fingerprint !== '' && row.fingerprint === fingerprint;
      return {
        documentId: row.documentId as string,
        name: (row.name as string | null | undefined) ?? null,
        email: (row.email as string | null | undefined) ?? null,
        phone: (row.phone as string | null | undefined) ?? null,
        status: subjectStatus(valid, (row.reason as SubjectReason | null) ?? null),
        valid,
        lastDecisionAt: iso(row.lastDecisionAt),
        lastRequest: requests.get(row.documentId as string) ?? null,
      };
    });
    return { data, next: more ? data[data.length - 1].documentId : null };
  },

  /** The latest consent request of each subject, one query for a page. */
  async lastRequests(
    subjects: string[]
  ): Promise<Map<string, NonNullable<ClientRow['lastRequest']>>> {
    const latest = new Map<string, NonNullable<ClientRow['lastRequest']>>();
    if (subjects.length === 0) return latest;
    const rows = await consentRequestsOf(strapi.db.connection, subjects);
    for (const row of rows) {
      if (latest.has(row.subject as string)) continue;
      latest.set(row.subject as string, {
        status: row.status as string,
        channel: (row.channel as string | null) ?? null,
        sentAt: iso(row.sent_at),
        createdAt: iso(row.created_at) as string,
      });
    }
    return latest;
  },

  /**
   * The Content Manager's list filter: a subquery of the document ids with (or without)
   * valid consent at `fingerprint`, for the query engine's `$in` (middlewares/content-manager-list.ts).
   */
  listFilter(filter: 'valid' | 'invalid', fingerprint: string): Knex.QueryBuilder {
    // Not async: a knex builder is a thenable, and a promise of one would run it.
    return listFilterSubquery(strapi, this.host().table, filter, fingerprint);
  },

  /** Status and validity of given subjects (a consent column in a list); a subject with no decision is "missing". */
  async statuses(
    subjects: string[]
  ): Promise<Record<string, { status: SubjectStatus | 'erased'; valid: boolean }>> {
    const fingerprint = await getService(strapi, 'states').currentFingerprint();
    const rows = await summariesOf(strapi.db.connection, subjects);
    const bySubject = new Map(rows.map((r) => [r.subject, r]));
    return Object.fromEntries(
      subjects.map((subject) => {
        const row = bySubject.get(subject);
        if (row?.erased_at != null) return [subject, { status: 'erased' as const, valid: false }];
        const valid = fingerprint !== '' && row?.required_fingerprint === fingerprint;
        return [subject, { status: subjectStatus(valid, row?.reason ?? null), valid }];
      })
    );
  },
});

export default clients;
