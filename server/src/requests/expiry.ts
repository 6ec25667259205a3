import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { dialectOf } from '../utils/dialect';
import { fromColumns } from '../utils/rows';
import { getService } from '../utils/get-service';
import { askablePurposes } from './requests';
import type { RequestRow, StateRow } from '../types';
import { transaction } from '../utils/transaction';
import { lockExpired, markExpired } from './queries';

const BATCH = 200;

/**
 * Unanswered consent requests lapse when their time is up. Safe on every
 * instance at once: each batch locks its rows (SKIP LOCKED where the database
 * has it), moves them from sent to expired in one update, and records an
 * "expired" event for each asked purpose the client never decided on, all in
 * one transaction. Running it twice changes nothing the second time.
 */
const expiry = ({ strapi }: { strapi: Core.Strapi }) => ({
  async run(): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.batch();
      total += expired;
      if (expired < BATCH) return total;
    }
  },

  async batch(): Promise<number> {
    const now = getService(strapi, 'clock').now();
    const dialect = dialectOf(strapi);
    return transaction(strapi, async ({ trx }) => {
      const rows = (await lockExpired(trx, dialect, now, BATCH)).map((r) =>
        fromColumns<RequestRow>(strapi, UID.request, r)
      );
      if (rows.length === 0) return 0;
      await markExpired(
        trx,
        rows.map((r) => r.id),
        now
      );

      // A confirmation's held decisions lapse with it: they came from an anonymous page, so
      // nothing is recorded in the client's name, and mails that waited for it are dropped.
      const confirmations = rows.filter((r) => r.origin !== null).map((r) => r.documentId);
      await getService(strapi, 'confirmations').dropWaiting(trx, confirmations);

      const askable = askablePurposes(await getService(strapi, 'purposes').list()).map(
        (p) => p.key
      );
      const states = (await strapi.db.query(UID.state).findMany({
        where: { subject: { $in: [...new Set(rows.map((r) => r.subject))] } },
        select: ['subject', 'purposeKey', 'decision'],
      })) as Pick<StateRow, 'subject' | 'purposeKey' | 'decision'>[];
      const decided = new Set(
        states.filter((s) => s.decision !== 'expired').map((s) => `${s.subject}|${s.purposeKey}`)
      );
      const ledger = getService(strapi, 'ledger');
      for (const row of rows) {
        if (row.origin !== null) continue;
        const purposes = (row.purposeKeys ?? askable).filter(
          (key) => askable.includes(key) && !decided.has(`${row.subject}|${key}`)
        );
        if (purposes.length === 0) continue;
        await ledger.recordDecisions(
          {
            subject: row.subject,
            decisions: purposes.map((purpose) => ({ purpose, decision: 'expired' as const })),
            channel: 'system',
            actor: { type: 'system', name: 'request expiry' },
            requestId: row.documentId,
            note: 'the consent request expired without an answer',
            occurredAt: now,
          },
          { subjectExists: true }
        );
      }
      return rows.length;
    });
  },
});

export default expiry;
