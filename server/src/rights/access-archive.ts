import type { Core } from '@strapi/strapi';
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { UID } from '../constants';
import { DPV_LEGAL_BASIS } from '../domain/receipt-iso27560';
import { needsConsent } from '../domain/state-machine';
import { csvRow } from '../utils/csv';
import { getService } from '../utils/get-service';
import type { AuditEntryInput } from '../proof';
import { EXPORT_FIELDS } from '../proof';
import type { PurposeRow } from '../types';
import { modelUid, queryOf } from '../utils/models';

const BATCH = 500;

/** The request fields a client sees: no lease bookkeeping, no staff identifiers (token hashes live in another table). */
export const REQUEST_FIELDS = [
  'id',
  'documentId',
  'kind',
  'status',
  'channel',
  'requestLocale',
  'purposeKeys',
  'campaign',
  'attempts',
  'reason',
  'sentAt',
  'expiresAt',
  'reminderSentAt',
  'answeredAt',
  'createdAt',
] as const;

export const PURPOSE_FIELDS = [
  'key',
  'name',
  'description',
  'legalBasis',
  'gdprArticle',
  'dpvLegalBasis',
  'specialCategory',
  'required',
  'marketing',
  'active',
  'currentVersion',
  'retention',
] as const;

interface AttributeInfo {
  type: string;
  private?: boolean;
  relation?: string;
  multiple?: boolean;
}

type Row = Record<string, unknown>;

/** A host type holding the client's records: the relation attribute that points at the client. */
interface Holder {
  uid: string;
  subject: string;
  /** Fields the config names as the client's personal data: shown even when private (Art. 15 covers them). */
  personalFields: string[];
}

const SYSTEM_FIELDS = ['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'locale'];

async function* jsonArray(items: AsyncIterable<unknown>): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const item of items) {
    yield `${first ? '' : ','}\n${JSON.stringify(item)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

async function* csvFile(
  fields: readonly string[],
  items: AsyncIterable<Row>
): AsyncGenerator<string> {
  yield csvRow([...fields]);
  for await (const item of items) {
    yield csvRow(
      fields.map((f) => {
        const v = item[f];
        return v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
      })
    );
  }
}

/**
 * The subject access archive (GDPR Art. 15 and 20): everything the app holds about
 * one client, as a ZIP streamed to the download: the client, the records of the
 * configured types that point at them (bookings), the consent events and states,
 * the requests, the purposes with their legal bases (Art. 30 style) and a README.
 * Every file is generated while the ZIP is read, in batches: memory does not grow
 * with the history.
 */
const accessArchive = ({ strapi }: { strapi: Core.Strapi }) => {
  const attributesOf = (uid: string): Record<string, AttributeInfo> =>
    (strapi.getModel(modelUid(uid)) as { attributes?: Record<string, AttributeInfo> } | undefined)
      ?.attributes ?? {};

  /**
   * The attributes of a host type a client may see: no password fields, no private
   * ones unless the config names them as the client's personal data; relations as
   * document ids.
   */
  const visible = (uid: string, personal: string[] = []) =>
    Object.entries(attributesOf(uid)).filter(
      ([name, a]) =>
        (!a.private || personal.includes(name)) &&
        a.type !== 'password' &&
        !['createdBy', 'updatedBy', 'localizations'].includes(name)
    );

  const populateOf = (uid: string, personal: string[] = []) =>
    Object.fromEntries(
      visible(uid, personal)
        .filter(([, a]) => a.type === 'relation' || a.type === 'media')
        .map(([name, a]) => [
          name,
          { select: a.type === 'media' ? ['documentId', 'name', 'url', 'mime'] : ['documentId'] },
        ])
    );

  /** A host record as the client sees it: its own fields; a relation as the related document id(s), media as name and url. */
  const view = (uid: string, row: Row, personal: string[] = []): Row => {
    const out: Row = {};
    for (const f of SYSTEM_FIELDS) if (row[f] !== undefined) out[f] = row[f];
    for (const [name, a] of visible(uid, personal)) {
      const value = row[name];
      if (SYSTEM_FIELDS.includes(name)) continue;
      if (a.type === 'relation' || a.type === 'media') {
        const pick = (r: Row | null) =>
          r
            ? a.type === 'media'
              ? { name: r.name, url: r.url, mime: r.mime }
              : r.documentId
            : null;
        out[name] = Array.isArray(value)
          ? value.map((r) => pick(r as Row))
          : pick((value as Row | null | undefined) ?? null);
      } else {
        out[name] = value ?? null;
      }
    }
    return out;
  };

  return {
    /** Every type that holds records of a client: the configured bookings and dataSubject.related, once each. */
    holders(): Holder[] {
      const config = getService(strapi, 'config').get();
      const byKey = new Map<string, Holder>();
      for (const h of [
        ...config.bookings.map((b) => ({ ...b, personalFields: [] as string[] })),
        ...config.dataSubject.related,
      ]) {
        if (!strapi.getModel(modelUid(h.uid))) continue;
        const key = `${h.uid}#${h.subject}`;
        const known = byKey.get(key);
        byKey.set(key, {
          uid: h.uid,
          subject: h.subject,
          personalFields: [...new Set([...(known?.personalFields ?? []), ...h.personalFields])],
        });
      }
      return [...byKey.values()];
    },

    /** The records of one holder type that point at the client, in id order, batch by batch. */
    async *records(holder: Holder, subject: string): AsyncGenerator<Row> {
      let after = 0;
      const populate = populateOf(holder.uid, holder.personalFields);
      for (;;) {
        const rows = (await queryOf(strapi, holder.uid).findMany({
          where: { [holder.subject]: { documentId: subject }, id: { $gt: after } },
          orderBy: { id: 'asc' },
          limit: BATCH,
          populate,
        })) as Row[];
        for (const row of rows)
          yield { type: holder.uid, ...view(holder.uid, row, holder.personalFields) };
        if (rows.length < BATCH) return;
        after = rows[rows.length - 1].id as number;
      }
    },

    async *allRecords(subject: string): AsyncGenerator<Row> {
      for (const holder of this.holders()) yield* this.records(holder, subject);
    },

    async *requests(subject: string): AsyncGenerator<Row> {
      let before: number | undefined;
      // Newest first, as the requests service pages them.
      for (;;) {
        const page = await getService(strapi, 'requests').list({ subject, before, limit: BATCH });
        for (const r of page.results)
          yield Object.fromEntries(
            REQUEST_FIELDS.map((f) => [f, (r as unknown as Row)[f] ?? null])
          );
        if (page.next === null) return;
        before = page.next;
      }
    },

    async *events(subject: string): AsyncGenerator<Row> {
      for await (const e of getService(strapi, 'history-export').events(subject)) {
        yield Object.fromEntries(EXPORT_FIELDS.map((f) => [f, e[f] ?? null]));
      }
    },

    /** The purposes as an Art. 30-style record: what is processed, on which legal basis, how long. */
    purposeRecords(purposes: PurposeRow[]): Row[] {
      const { inactiveMonths } = getService(strapi, 'config').get().retention;
      return purposes.map((p) => ({
        key: p.key,
        name: p.name,
        description: p.description,
        legalBasis: p.legalBasis,
        gdprArticle: DPV_LEGAL_BASIS[p.legalBasis].gdpr.replace('eu-gdpr:', 'GDPR '),
        dpvLegalBasis: DPV_LEGAL_BASIS[p.legalBasis].dpv,
        specialCategory: Boolean(p.specialCategory),
        required: Boolean(p.required),
        marketing: Boolean(p.marketing),
        active: Boolean(p.active),
        currentVersion: p.currentMajor !== null ? `${p.currentMajor}.${p.currentMinor ?? 0}` : null,
        retention:
          [
            needsConsent(p) ? 'until consent is withdrawn' : null,
            inactiveMonths
              ? `client data erased after ${inactiveMonths} months without activity`
              : null,
          ]
            .filter(Boolean)
            .join('; ') || null,
      }));
    },

    /** Counts of what the archive holds, read before it is streamed (they go in the README and the audit). */
    async counts(subject: string) {
      const records: Record<string, number> = {};
      for (const h of this.holders()) {
        records[h.uid] = Number(
          await queryOf(strapi, h.uid).count({ where: { [h.subject]: { documentId: subject } } })
        );
      }
      return {
        records,
        events: Number(await strapi.db.query(UID.event).count({ where: { subject } })),
        requests: Number(await strapi.db.query(UID.request).count({ where: { subject } })),
      };
    },

    /** The archive as a stream (a 404 before anything is streamed when the client does not exist). */
    async stream(subject: string, actor: AuditEntryInput['actor']): Promise<Readable> {
      await getService(strapi, 'subjects').assertExists(subject);
      const uid = getService(strapi, 'subjects').uid();
      const client = (await queryOf(strapi, uid).findOne({
        where: { documentId: subject },
        populate: populateOf(uid),
      })) as Row;
      const purposes = this.purposeRecords(await getService(strapi, 'purposes').list());
      const consent = await getService(strapi, 'states').forSubject(subject);
      const counts = await this.counts(subject);
      const controller = (await getService(strapi, 'settings').get()).controller;
      const generatedAt = getService(strapi, 'clock').now();
      await getService(strapi, 'audit').record({
        action: 'export.access',
        actor,
        subject,
        details: {
          records: counts.records,
          events: counts.events,
          requests: counts.requests,
          purposes: purposes.length,
        },
      });

      const holders = this.holders();
      const recordFields = [
        'type',
        ...new Set([
          ...SYSTEM_FIELDS,
          ...holders.flatMap((h) => visible(h.uid, h.personalFields).map(([name]) => name)),
        ]),
      ];
      const zip = new ZipFile();
      const mtime = generatedAt;
      const text = (name: string, value: string) =>
        zip.addBuffer(Buffer.from(value, 'utf8'), name, { mtime });
      const lazy = (name: string, make: () => AsyncIterable<string>) =>
        zip.addReadStream(Readable.from(make()), name, { mtime });

      text('README.txt', this.readme({ subject, generatedAt, controller, counts, holders }));
      text('client.json', `${JSON.stringify(view(uid, client), null, 2)}\n`);
      lazy('bookings.json', () => jsonArray(this.allRecords(subject)));
      lazy('bookings.csv', () => csvFile(recordFields, this.allRecords(subject)));
      lazy('consent-events.json', () => jsonArray(this.events(subject)));
      lazy('consent-events.csv', () => csvFile(EXPORT_FIELDS, this.events(subject)));
      text('consent-states.json', `${JSON.stringify(consent, null, 2)}\n`);
      lazy('requests.json', () => jsonArray(this.requests(subject)));
      lazy('requests.csv', () => csvFile(REQUEST_FIELDS, this.requests(subject)));
      text('purposes.json', `${JSON.stringify(purposes, null, 2)}\n`);
      text(
        'purposes.csv',
        csvRow([...PURPOSE_FIELDS]) +
          purposes.map((p) => csvRow(PURPOSE_FIELDS.map((f) => p[f]))).join('')
      );
      zip.end();

      const output = zip.outputStream as Readable;
      zip.on('error', (error: Error) => {
        strapi.log.error(`[consent] access archive failed: ${error.message}`);
        output.destroy(error);
      });
      return output;
    },

    readme(info: {
      subject: string;
      generatedAt: Date;
      controller: {
        name: string;
        contact: string | null;
        email: string | null;
        phone: string | null;
        address: string | null;
      };
      counts: { records: Record<string, number>; events: number; requests: number };
      holders: Holder[];
    }): string {
      const c = info.controller;
      const contact = [c.contact, c.email, c.phone, c.address].filter(Boolean).join(', ');
      return [
        'Subject access archive (GDPR Art. 15 and 20)',
        '',
        `Client: ${info.subject}`,
        `Generated: ${info.generatedAt.toISOString()}`,
        `Controller: ${c.name}${contact ? ` (${contact})` : ''}`,
        '',
        'Files (JSON for machines, CSV for spreadsheets; times are UTC, ISO 8601):',
        '  client.json          the client record as the controller holds it',
        `  bookings.json/.csv   the records that point at the client (${info.holders.map((h) => `${h.uid}: ${info.counts.records[h.uid] ?? 0}`).join(', ') || 'none configured'}); "type" names the kind of record`,
        `  consent-events.json/.csv  every consent decision (${info.counts.events}): purpose, decision, the text version and its SHA-256, channel, who recorded it, when, and the evidence kept (IP address, browser)`,
        '  consent-states.json  the current consent per purpose, derived from the events',
        `  requests.json/.csv   the consent requests sent to the client (${info.counts.requests}) and their outcome`,
        '  purposes.json/.csv   why the data is processed: each purpose, its legal basis (GDPR Art. 6, Art. 9 for special categories), whether it is required, the current text version and how long data is kept',
        '',
        `To withdraw a consent, use the link in any message from ${c.name} or contact ${c.email ?? c.phone ?? 'the controller'}.`,
        '',
      ].join('\r\n');
    },
  };
};

export default accessArchive;
