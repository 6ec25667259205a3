import type { Core } from '@strapi/strapi';
import { TABLE } from '../constants';
import type { SubjectReason } from '../domain/state-machine';
import { dialectOf, type Dialect } from '../utils/dialect';
import { getService } from '../utils/get-service';
import { OPEN_STATUSES } from '../requests';

const DAY = 24 * 60 * 60 * 1000;

/** The UTC day of a datetime column as 'YYYY-MM-DD' (SQLite stores Strapi datetimes as epoch milliseconds). */
const daySql = (dialect: Dialect, column: string): string => {
  switch (dialect) {
    case 'postgres':
      return `to_char(${column}, 'YYYY-MM-DD')`;
    case 'mysql':
      return `DATE_FORMAT(${column}, '%Y-%m-%d')`;
    default:
      return `CASE WHEN typeof(${column}) IN ('integer', 'real') THEN strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch') ELSE substr(${column}, 1, 10) END`;
  }
};

export interface OverviewCounts {
  total: number;
  valid: number;
  invalid: number;
  missing: number;
  outdated: number;
  pending: number;
  refused: number;
  withdrawn: number;
  revoked: number;
  expired: number;
}

/**
 * The consent overview of the admin panel: clients per state, consents given and
 * withdrawn per day, running campaigns. Grouped counts over the summary table
 * (a few aggregate queries, not per page): their cost grows with the number of
 * clients (bench/HISTORY.md, clients list).
 */
const overview = ({ strapi }: { strapi: Core.Strapi }) => ({
  async counts(): Promise<OverviewCounts> {
    const clients = getService(strapi, 'clients');
    const host = clients.host();
    const fingerprint = await getService(strapi, 'states').currentFingerprint();
    const db = strapi.db.connection;
    const hostRows = () => {
      const q = db({ c: host.table });
      if (host.draftAndPublish) q.whereNull('c.published_at');
      return q;
    };
    const toNumber = (row: unknown) => Number((row as { n: number | string } | undefined)?.n ?? 0);

    // Three independent reads, sent together (outside a transaction each takes its own connection).
    const totalQuery = hostRows().count({ n: '*' }).first();
    const groupedQuery = hostRows()
      .join({ s: TABLE.subject }, 's.subject', 'c.document_id')
      .select(
        's.reason as reason',
        db.raw(`CASE WHEN s.required_fingerprint = ? THEN 1 ELSE 0 END AS v`, [fingerprint])
      )
      .count({ n: '*' })
      .groupBy('s.reason', 'v');
    // Driven by the open requests (few, through their (status, ...) index), not by the client table.
    const open = db({ r: TABLE.request })
      .join({ c: host.table }, 'c.document_id', 'r.subject')
      .leftJoin({ s: TABLE.subject }, 's.subject', 'r.subject')
      .where('r.kind', 'consent')
      .whereIn('r.status', [...OPEN_STATUSES])
      .where((w) =>
        w.whereNull('s.required_fingerprint').orWhere('s.required_fingerprint', '<>', fingerprint)
      );
    if (host.draftAndPublish) open.whereNull('c.published_at');
    const [totalRow, groupedRows, pendingRow] = await Promise.all([
      totalQuery,
      groupedQuery,
      open.countDistinct({ n: 'r.subject' }).first(),
    ]);
    const total = toNumber(totalRow);
    const pending = toNumber(pendingRow);
    const grouped = groupedRows as unknown as {
      reason: SubjectReason | null;
      v: number | string;
      n: number | string;
    }[];

    const counts: OverviewCounts = {
      total,
      valid: 0,
      invalid: 0,
      missing: 0,
      outdated: 0,
      pending,
      refused: 0,
      withdrawn: 0,
      revoked: 0,
      expired: 0,
    };
    let withReason = 0;
    for (const row of grouped) {
      const n = Number(row.n);
      if (fingerprint !== '' && Number(row.v) === 1) {
        counts.valid += n;
      } else if (row.reason === 'given') {
        counts.outdated += n;
        withReason += n;
      } else if (row.reason && row.reason !== 'missing') {
        counts[row.reason] += n;
        withReason += n;
      }
    }
    counts.invalid = total - counts.valid;
    // Clients without a summary row, or whose reason is "missing".
    counts.missing = counts.invalid - withReason;
    return counts;
  },

  /** Consents given and withdrawn per UTC day, the last `days` days (today included), oldest first, zero days included. */
  async trend(days: number): Promise<{ date: string; given: number; withdrawn: number }[]> {
    const now = getService(strapi, 'clock').now();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const from = new Date(today - (days - 1) * DAY);
    const day = daySql(dialectOf(strapi), 'occurred_at');
    const rows = (await strapi.db
      .connection(TABLE.event)
      .select(strapi.db.connection.raw(`${day} AS day`), 'decision')
      .count({ n: '*' })
      .where('occurred_at', '>=', from)
      .whereIn('decision', ['given', 'withdrawn'])
      .groupByRaw(`${day}, decision`)) as {
      day: string;
      decision: 'given' | 'withdrawn';
      n: number | string;
    }[];
    const byDay = new Map<string, { given: number; withdrawn: number }>();
    for (let i = 0; i < days; i += 1) {
      byDay.set(new Date(from.getTime() + i * DAY).toISOString().slice(0, 10), {
        given: 0,
        withdrawn: 0,
      });
    }
    for (const row of rows) {
      const entry = byDay.get(String(row.day));
      if (entry) entry[row.decision] += Number(row.n);
    }
    return [...byDay].map(([date, n]) => ({ date, ...n }));
  },

  /** Running and paused campaigns with their counts per request status. */
  async campaigns() {
    const service = getService(strapi, 'campaigns');
    const rows = (await service.list()).filter(
      (c) => c.status === 'running' || c.status === 'paused'
    );
    return Promise.all(
      rows.map(async (c) => ({
        documentId: c.documentId,
        name: c.name,
        status: c.status,
        total: c.total,
        counts: await service.counts(c.documentId),
      }))
    );
  },

  async get(days: number) {
    const [counts, trend, campaigns] = await Promise.all([
      this.counts(),
      this.trend(days),
      this.campaigns(),
    ]);
    return { counts, trend, campaigns };
  },
});

export default overview;
