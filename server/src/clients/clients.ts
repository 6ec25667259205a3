import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { contentTypes } from '@strapi/utils';
import { TABLE, type ClientState } from '../constants';

export { CLIENT_STATES, type ClientState } from '../constants';
import { subjectStatus, type SubjectReason, type SubjectStatus } from '../domain/state-machine';
import { getService } from '../utils/get-service';
import { OPEN_STATUSES } from '../requests';
import { contentTypeOf, metadataOf } from '../utils/models';

export interface ClientFilter {
  state: ClientState;
  /** Search text: case-insensitive "contains" on the name, email and phone fields. */
  q?: string;
}

/** States that only a subject with a summary row can be in: the list is driven by the summary's indexes. */
const SUMMARY_DRIVEN: ReadonlySet<ClientState> = new Set([
  'valid',
  'outdated',
  'refused',
  'withdrawn',
  'revoked',
  'expired',
]);

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

/** `%`, `_` and the escape character itself are literal in the search text. */
const likePattern = (q: string) => `%${q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;

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
  host() {
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

  /**
   * Host rows `c` (one per document: the draft row under draft & publish) joined to
   * their summary `s`, restricted to a filter. `key` is the column the rows are
   * ordered and paged by: the summary's subject when the state needs a summary row
   * (an inner join driven by the (reason, subject) / (required_fingerprint, subject)
   * indexes), else the host's document id (a left join driven by the host's
   * document id index).
   */
  filtered(
    db: Knex | Knex.Transaction,
    filter: ClientFilter,
    fingerprint: string,
    after?: string | null
  ) {
    const host = this.host();
    const summaryDriven = SUMMARY_DRIVEN.has(filter.state);
    const key = summaryDriven ? 's.subject' : 'c.document_id';
    const query = db({ c: host.table });
    // A page after a cursor bounds both sides of the join (the same bound, as the join
    // is on equality): a merge join otherwise reads the other side's index from its
    // start to reach the cursor, so a deep page would cost as much as every page before it.
    if (summaryDriven) {
      query.join({ s: TABLE.subject }, (j) => {
        j.on('s.subject', '=', 'c.document_id');
        if (after) j.andOnVal('c.document_id', '>', after);
      });
    } else {
      query.leftJoin({ s: TABLE.subject }, (j) => {
        j.on('s.subject', '=', 'c.document_id');
        if (after) j.andOnVal('s.subject', '>', after);
      });
    }
    if (host.draftAndPublish) query.whereNull('c.published_at');

    // No required purpose (empty fingerprint): nobody has valid consent.
    const notValid = (w: Knex.QueryBuilder) =>
      fingerprint === ''
        ? w
        : w.where((x) =>
            x
              .whereNull('s.required_fingerprint')
              .orWhere('s.required_fingerprint', '<>', fingerprint)
          );
    switch (filter.state) {
      case 'all':
        break;
      case 'valid':
        if (fingerprint === '') query.whereRaw('1 = 0');
        else query.where('s.required_fingerprint', fingerprint);
        break;
      case 'invalid':
        notValid(query);
        break;
      case 'missing':
        notValid(
          query.where((w) =>
            w.whereNull('s.id').orWhereNull('s.reason').orWhere('s.reason', 'missing')
          )
        );
        break;
      case 'outdated':
        notValid(query.where('s.reason', 'given'));
        break;
      case 'pending':
        notValid(query).whereExists((sub) =>
          sub
            .select(db.raw('1'))
            .from({ r: TABLE.request })
            .whereRaw('r.subject = c.document_id')
            .where('r.kind', 'consent')
            .whereIn('r.status', [...OPEN_STATUSES])
        );
        break;
      default:
        // refused, withdrawn, revoked, expired: a required purpose holds that decision, so never valid.
        query.where('s.reason', filter.state);
    }

    const q = filter.q?.trim();
    if (q) {
      const columns = [host.name, host.email, host.phone].filter((c): c is string => Boolean(c));
      query.where((w) => {
        for (const column of columns)
          w.orWhereRaw(`LOWER(c.??) LIKE ? ESCAPE '!'`, [column, likePattern(q)]);
      });
    }
    return { query, key };
  },

  /** The client document ids of a filter, as a subquery (campaign audiences: never loaded into memory). */
  documentIdsQuery(db: Knex | Knex.Transaction, filter: ClientFilter, fingerprint: string) {
    return this.filtered(db, filter, fingerprint).query.select('c.document_id');
  },

  /** One keyset page: the clients after `after` (a document id) in document id order. */
  async page(filter: ClientFilter, { after, limit }: { after?: string | null; limit: number }) {
    const host = this.host();
    const fingerprint = await getService(strapi, 'states').currentFingerprint();
    const { query, key } = this.filtered(strapi.db.connection, filter, fingerprint, after);
    query.select(
      'c.document_id as documentId',
      's.required_fingerprint as fingerprint',
      's.reason as reason',
      's.last_decision_at as lastDecisionAt'
    );
    for (const [alias, column] of [
      ['name', host.name],
      ['email', host.email],
      ['phone', host.phone],
    ] as const) {
      if (column) query.select(`c.${column} as ${alias}`);
    }
    if (after) query.where(key, '>', after);
    const rows = (await query.orderBy(key, 'asc').limit(limit + 1)) as Record<string, unknown>[];
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
    const rows = (await strapi.db
      .connection(TABLE.request)
      .select('subject', 'status', 'channel', 'sent_at', 'created_at')
      .whereIn('subject', subjects)
      .where('kind', 'consent')
      .orderBy('id', 'desc')) as Record<string, unknown>[];
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

  /** Status and validity of given subjects (a consent column in a list); a subject with no decision is "missing". */
  async statuses(
    subjects: string[]
  ): Promise<Record<string, { status: SubjectStatus; valid: boolean }>> {
    const fingerprint = await getService(strapi, 'states').currentFingerprint();
    const rows = (await strapi.db
      .connection(TABLE.subject)
      .select('subject', 'required_fingerprint', 'reason')
      .whereIn('subject', subjects)) as {
      subject: string;
      required_fingerprint: string | null;
      reason: SubjectReason | null;
    }[];
    const bySubject = new Map(rows.map((r) => [r.subject, r]));
    return Object.fromEntries(
      subjects.map((subject) => {
        const row = bySubject.get(subject);
        const valid = fingerprint !== '' && row?.required_fingerprint === fingerprint;
        return [subject, { status: subjectStatus(valid, row?.reason ?? null), valid }];
      })
    );
  },
});

export default clients;
