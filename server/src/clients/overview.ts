import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';
import { decisionsPerDay, overviewCounts } from './queries';

const DAY = 24 * 60 * 60 * 1000;

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
  /** Erased clients: not in `total` nor in any other count. */
  erased: number;
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
    const { total, pending, grouped } = await overviewCounts(
      strapi.db.connection,
      host,
      fingerprint
    );

    const counts: OverviewCounts = {
      total: 0,
      valid: 0,
      invalid: 0,
      missing: 0,
      outdated: 0,
      pending,
      refused: 0,
      withdrawn: 0,
      revoked: 0,
      expired: 0,
      erased: 0,
    };
    let withReason = 0;
    for (const row of grouped) {
      const n = Number(row.n);
      if (Number(row.erased_flag) === 1) {
        counts.erased += n;
      } else if (fingerprint !== '' && Number(row.v) === 1) {
        counts.valid += n;
      } else if (row.reason === 'given') {
        counts.outdated += n;
        withReason += n;
      } else if (row.reason && row.reason !== 'missing') {
        counts[row.reason] += n;
        withReason += n;
      }
    }
    counts.total = total - counts.erased;
    counts.invalid = counts.total - counts.valid;
    // Clients without a summary row, or whose reason is "missing".
    counts.missing = counts.invalid - withReason;
    return counts;
  },

  /** Consents given and withdrawn per UTC day, the last `days` days (today included), oldest first, zero days included. */
  async trend(days: number): Promise<{ date: string; given: number; withdrawn: number }[]> {
    const now = getService(strapi, 'clock').now();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const from = new Date(today - (days - 1) * DAY);
    const rows = await decisionsPerDay(strapi, from);
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
    const [counts, trend, campaigns, dsr] = await Promise.all([
      this.counts(),
      this.trend(days),
      this.campaigns(),
      // The register of data-subject requests: open, due within 7 days, overdue.
      getService(strapi, 'dsr').counts(),
    ]);
    return { counts, trend, campaigns, dsr };
  },
});

export default overview;
