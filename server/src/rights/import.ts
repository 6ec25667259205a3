import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import { UID } from '../constants';
import { needsConsent, needsExplicitConsent } from '../domain/state-machine';
import { parseCsv, type CsvProblem } from '../utils/csv-parse';
import { getService } from '../utils/get-service';
import {
  IMPORT_DECISIONS,
  IMPORT_MAX_CHARS,
  IMPORT_MAX_LINES,
  OPTIONAL_COLUMNS,
  REQUIRED_COLUMNS,
  type ImportInput,
  type ImportMatch,
} from '../validation/import';
import { normaliseEmail, normalisePhone } from './erasure';
import type { Actor, PurposeRow, TextRow } from '../types';
import { metadataOf } from '../utils/models';
import type { ImportReport as ContractImportReport } from '../contracts';
import { transaction } from '../utils/transaction';
import { clientsByExpression } from './queries';

export interface ImportLine {
  line: number;
  ok: boolean;
  /** The client's document id once found. */
  client?: string;
  purpose?: string;
  decision?: string;
  date?: string;
  version?: string;
  errors: string[];
}

export interface ImportReport extends Omit<ContractImportReport, 'lines'> {
  lines: ImportLine[];
}

type IdentifierKind = 'email' | 'phone' | 'documentId';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DOCUMENT_ID = /^[a-z][a-z0-9]{23}$/;
const PHONE = /^\+?[\d\s().-]{5,31}$/;
const TRUE = new Set(['yes', 'true', '1', 'y', 'x']);
const FALSE = new Set(['no', 'false', '0', 'n', '']);

/** An ISO 8601 date (midnight UTC) or date-time (UTC when it names no offset); null when not one. */
export const parseImportDate = (value: string): Date | null => {
  const m = DATE_ONLY.test(value) ? [value, value] : value.match(DATE_TIME);
  if (!m) return null;
  const iso = DATE_ONLY.test(value)
    ? `${value}T00:00:00Z`
    : /Z|[+-]\d{2}:?\d{2}$/.test(value)
      ? value.replace(' ', 'T')
      : `${value.replace(' ', 'T')}Z`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  // 2019-02-30 would roll over to March: the calendar date must survive the round trip.
  const [y, mo, d] = (m[1] ?? value).slice(0, 10).split('-').map(Number);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    return null;
  return date;
};

export const identifierKind = (value: string, match: ImportMatch): IdentifierKind | null => {
  if (match !== 'auto') return match;
  if (value.includes('@')) return 'email';
  if (DOCUMENT_ID.test(value)) return 'documentId';
  if (PHONE.test(value) && /\d{5}/.test(value.replace(/\D/g, ''))) return 'phone';
  return null;
};

const chunks = <T>(list: T[], size = 500): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
};

const time = (value: string | Date) => new Date(value).getTime();

/** The version of a purpose's text published on or before a date (the newest such), or null. */
const versionAt = (versions: TextRow[], at: Date): TextRow | null =>
  versions
    .filter((t) => time(t.releasedAt) <= at.getTime())
    .sort((a, b) => b.major - a.major || b.minor - a.minor)[0] ?? null;

/**
 * Import of legacy consents from CSV: every line is validated first, and only a
 * file without a single invalid line is recorded (all or nothing, in one
 * transaction), through the ledger, with channel "import".
 */
const imports = ({ strapi }: { strapi: Core.Strapi }) => ({
  async run(input: ImportInput, actor: Actor): Promise<ImportReport> {
    if (input.csv.length > IMPORT_MAX_CHARS) {
      throw new errors.PayloadTooLargeError(
        `The CSV is larger than ${IMPORT_MAX_CHARS / 1024 / 1024} MB: split it`,
        {
          maxChars: IMPORT_MAX_CHARS,
        }
      );
    }
    const audit = getService(strapi, 'audit');
    const auditActor = { type: 'admin' as const, id: actor.id ?? null, name: actor.name ?? null };
    const fail = async (message: string, report: ImportReport): Promise<never> => {
      await audit.record({
        action: input.dryRun ? 'import.dry-run' : 'import.run',
        actor: auditActor,
        outcome: 'failed',
        details: { total: report.total, valid: report.valid, invalid: report.invalid, imported: 0 },
      });
      throw new errors.ValidationError(message, report);
    };

    const parsed = parseCsv(input.csv, { maxRecords: IMPORT_MAX_LINES });
    const malformed = (problems: CsvProblem[], total = 0): ImportReport => ({
      dryRun: input.dryRun,
      total,
      valid: 0,
      invalid: problems.length,
      imported: 0,
      lines: problems.map((p) => ({ line: p.line, ok: false, errors: [p.message] })),
    });
    if (!parsed.ok)
      return fail('The CSV is malformed: nothing was imported', malformed(parsed.problems));

    const columns = parsed.header.map((h) => h.toLowerCase());
    const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
    const headerProblems: CsvProblem[] = [
      ...REQUIRED_COLUMNS.filter((c) => !columns.includes(c)).map((c) => ({
        line: 1,
        message: `missing column "${c}"`,
      })),
      ...columns
        .filter((c) => !known.has(c))
        .map((c) => ({ line: 1, message: `unknown column "${c}"` })),
      ...columns
        .filter((c, i) => columns.indexOf(c) !== i)
        .map((c) => ({ line: 1, message: `column "${c}" appears twice` })),
    ];
    if (headerProblems.length > 0) {
      return fail(
        'The CSV header is not as expected: nothing was imported',
        malformed(headerProblems, parsed.records.length)
      );
    }

    const lines = await this.validate(
      parsed.records.map((r) => ({
        line: r.line,
        cell: (name: string) =>
          columns.includes(name) ? r.cells[columns.indexOf(name)].trim() : '',
      })),
      input
    );
    const invalid = lines.filter((l) => !l.report.ok).length;
    const report: ImportReport = {
      dryRun: input.dryRun,
      total: lines.length,
      valid: lines.length - invalid,
      invalid,
      imported: 0,
      lines: lines.map((l) => l.report),
    };
    if (lines.length === 0)
      return fail('The CSV has a header but no lines: nothing was imported', report);

    if (input.dryRun) {
      await audit.record({
        action: 'import.dry-run',
        actor: auditActor,
        outcome: invalid > 0 ? 'failed' : 'ok',
        details: { total: report.total, valid: report.valid, invalid },
      });
      return report;
    }
    if (invalid > 0)
      return fail(`${invalid} of ${lines.length} lines are invalid: nothing was imported`, report);

    // Per client, in chronological order; lines of one client at one instant are one record() call.
    const groups = new Map<string, (typeof lines)[number][]>();
    for (const l of [...lines].sort(
      (a, b) => a.at!.getTime() - b.at!.getTime() || a.report.line - b.report.line
    )) {
      const key = `${l.report.client}|${l.at!.getTime()}|${l.source}`;
      groups.set(key, [...(groups.get(key) ?? []), l]);
    }
    const ledger = getService(strapi, 'ledger');
    await transaction(strapi, async () => {
      for (const group of groups.values()) {
        const first = group[0];
        await ledger.record({
          subject: first.report.client!,
          decisions: group.map((l) => ({
            purpose: l.report.purpose!,
            decision: l.report.decision as (typeof IMPORT_DECISIONS)[number],
            version: l.report.version,
            explicit: l.explicit || undefined,
          })),
          channel: 'import',
          actor,
          source: first.source,
          occurredAt: first.at!,
          note: 'imported',
        });
      }
      report.imported = lines.length;
      await audit.record({
        action: 'import.run',
        actor: auditActor,
        details: {
          total: report.total,
          valid: report.valid,
          invalid: 0,
          imported: report.imported,
        },
      });
    });
    return report;
  },

  /** Each line checked on its own and against the others (duplicates) and the log (imported before). */
  async validate(records: { line: number; cell: (name: string) => string }[], input: ImportInput) {
    const now = getService(strapi, 'clock').now();
    const purposes = new Map((await getService(strapi, 'purposes').list()).map((p) => [p.key, p]));
    const clients = await this.resolveClients(
      records.map((r) => r.cell('client')),
      input.match
    );
    const versions = new Map<string, TextRow[]>();
    for (const key of new Set(records.map((r) => r.cell('purpose')))) {
      if (purposes.has(key)) versions.set(key, await getService(strapi, 'texts').listVersions(key));
    }

    const lines = records.map((record) => {
      const errs: string[] = [];
      const raw = {
        client: record.cell('client'),
        purpose: record.cell('purpose'),
        decision: record.cell('decision').toLowerCase(),
        date: record.cell('date'),
      };
      const report: ImportLine = {
        line: record.line,
        ok: false,
        errors: errs,
        purpose: raw.purpose || undefined,
        decision: raw.decision || undefined,
        date: raw.date || undefined,
      };

      const found = raw.client ? clients.get(raw.client) : undefined;
      if (!raw.client) errs.push('client is empty');
      else if (!found || typeof found === 'string') errs.push(found ?? 'unknown client');
      else report.client = found.documentId;

      const purpose: PurposeRow | undefined = purposes.get(raw.purpose);
      if (!raw.purpose) errs.push('purpose is empty');
      else if (!purpose || !purpose.active) errs.push(`unknown purpose "${raw.purpose}"`);
      else if (!needsConsent(purpose))
        errs.push(
          `purpose "${raw.purpose}" is based on ${purpose.legalBasis}, not consent: there is nothing to import`
        );

      if (!(IMPORT_DECISIONS as readonly string[]).includes(raw.decision))
        errs.push(
          `decision must be one of ${IMPORT_DECISIONS.join(', ')}${raw.decision ? `, not "${raw.decision}"` : ''}`
        );

      const at = raw.date ? parseImportDate(raw.date) : null;
      if (!raw.date) errs.push('date is empty');
      else if (!at)
        errs.push(
          `date "${raw.date}" is not an ISO 8601 date (2019-05-31) or date-time (2019-05-31T14:30:00Z)`
        );
      else if (at.getTime() > now.getTime()) errs.push(`date "${raw.date}" is in the future`);
      else if (at.getUTCFullYear() < 1970) errs.push(`date "${raw.date}" is before 1970`);

      const explicitCell = record.cell('explicit').toLowerCase();
      const explicit = TRUE.has(explicitCell);
      if (!TRUE.has(explicitCell) && !FALSE.has(explicitCell))
        errs.push(`explicit must be yes or no, not "${explicitCell}"`);

      // Which text the decision is about: the version column, else the version published on that date.
      const givenVersion = record.cell('version');
      if (purpose && needsConsent(purpose) && purpose.active && at && raw.decision) {
        const list = versions.get(purpose.key) ?? [];
        const deciding = raw.decision === 'given' || raw.decision === 'refused';
        let text: TextRow | null = null;
        if (givenVersion) {
          text = list.find((t) => t.version === givenVersion) ?? null;
          if (!text) errs.push(`purpose "${purpose.key}" has no version "${givenVersion}"`);
        } else {
          // A consent older than the system is taken to be about the current text (the source says where it came from).
          text =
            versionAt(list, at) ??
            list.find(
              (t) => t.major === purpose.currentMajor && t.minor === purpose.currentMinor
            ) ??
            null;
          if (!text && deciding) errs.push(`purpose "${purpose.key}" has no published text yet`);
        }
        if (
          text &&
          deciding &&
          purpose.currentMajor !== null &&
          text.major < purpose.currentMajor
        ) {
          errs.push(
            `version ${text.version} of "${purpose.key}" was replaced by a substantive change (now ${purpose.currentMajor}.${purpose.currentMinor}): ` +
              'a decision about it is outdated and cannot be imported; ask the client again'
          );
        }
        if (text) report.version = text.version;
        if (raw.decision === 'given' && needsExplicitConsent(purpose) && !explicit) {
          errs.push(
            `purpose "${purpose.key}" is a special category: consent must be explicit (column explicit = yes)`
          );
        }
      }
      return { report, at, explicit, source: record.cell('source') || input.source || 'import' };
    });

    // The same client, purpose and instant twice in the file: which line is true cannot be told.
    const seen = new Map<string, number>();
    for (const l of lines) {
      if (!l.report.client || !l.report.purpose || !l.at) continue;
      const key = `${l.report.client}|${l.report.purpose}|${l.at.getTime()}`;
      const first = seen.get(key);
      if (first !== undefined)
        l.report.errors.push(`duplicate of line ${first} (same client, purpose and date)`);
      else seen.set(key, l.report.line);
    }
    // Importing the same file twice: a line already in the log as an import event.
    const subjects = [
      ...new Set(lines.map((l) => l.report.client).filter((c): c is string => Boolean(c))),
    ];
    const imported = new Set<string>();
    for (const part of chunks(subjects)) {
      const rows = (await strapi.db.query(UID.event).findMany({
        where: { channel: 'import', subject: { $in: part } },
        select: ['subject', 'purposeKey', 'occurredAt', 'decision'],
      })) as { subject: string; purposeKey: string; occurredAt: string; decision: string }[];
      for (const r of rows)
        imported.add(`${r.subject}|${r.purposeKey}|${time(r.occurredAt)}|${r.decision}`);
    }
    for (const l of lines) {
      if (
        l.report.client &&
        l.at &&
        imported.has(
          `${l.report.client}|${l.report.purpose}|${l.at.getTime()}|${l.report.decision}`
        )
      ) {
        l.report.errors.push('already imported (the log has this import event)');
      }
      l.report.ok = l.report.errors.length === 0;
    }
    return lines;
  },

  /**
   * The clients named in the file, by the value as written: a client, or why not
   * (not found, several clients share it, erased). Looked up in bulk.
   */
  async resolveClients(
    values: string[],
    match: ImportMatch
  ): Promise<Map<string, { documentId: string } | string>> {
    const config = getService(strapi, 'config').get();
    const uid = config.subject.uid;
    const meta = metadataOf(strapi, uid) as {
      tableName: string;
      attributes: Record<string, { columnName?: string }>;
    };
    const column = (field: string | undefined) =>
      field ? (meta.attributes[field]?.columnName ?? field) : null;
    const knex = strapi.db.connection;
    const out = new Map<string, { documentId: string } | string>();
    const wanted: Record<IdentifierKind, Map<string, string[]>> = {
      email: new Map(),
      phone: new Map(),
      documentId: new Map(),
    };
    for (const value of new Set(values.filter(Boolean))) {
      const kind = identifierKind(value, match);
      if (!kind) {
        out.set(value, `client "${value}" is not an email address, phone number or document id`);
        continue;
      }
      const key =
        kind === 'email' ? normaliseEmail(value) : kind === 'phone' ? normalisePhone(value) : value;
      wanted[kind].set(key, [...(wanted[kind].get(key) ?? []), value]);
    }
    const emailColumn = column(config.subject.email);
    const phoneColumn = column(config.subject.phone);
    const lookups: { kind: IdentifierKind; expr: string | null }[] = [
      { kind: 'email', expr: emailColumn ? `lower(${emailColumn})` : null },
      // Spaces, dashes, dots and brackets are how people write numbers, not part of them.
      {
        kind: 'phone',
        expr: phoneColumn
          ? `replace(replace(replace(replace(replace(${phoneColumn}, ' ', ''), '-', ''), '.', ''), '(', ''), ')', '')`
          : null,
      },
      { kind: 'documentId', expr: 'document_id' },
    ];
    const matches = new Map<string, Set<string>>();
    for (const { kind, expr } of lookups) {
      const keys = [...wanted[kind].keys()];
      if (keys.length === 0) continue;
      if (!expr) {
        for (const key of keys)
          for (const v of wanted[kind].get(key)!)
            out.set(v, `the client type has no ${kind} field`);
        continue;
      }
      for (const part of chunks(keys)) {
        const rows = await clientsByExpression(knex, meta.tableName, expr, part);
        for (const row of rows) {
          const id = `${kind}|${row.k}`;
          matches.set(id, (matches.get(id) ?? new Set()).add(row.documentId));
        }
      }
      for (const key of keys) {
        const ids = [...(matches.get(`${kind}|${key}`) ?? [])];
        for (const value of wanted[kind].get(key)!) {
          out.set(
            value,
            ids.length === 1
              ? { documentId: ids[0] }
              : ids.length === 0
                ? `no client with ${kind} "${value}"`
                : `${ids.length} clients have ${kind} "${value}"`
          );
        }
      }
    }
    // An erased client keeps its row, but nothing personal: a consent of theirs is not imported again.
    const found = [
      ...new Set(
        [...out.values()]
          .filter((v): v is { documentId: string } => typeof v !== 'string')
          .map((v) => v.documentId)
      ),
    ];
    const erased = new Set<string>();
    for (const part of chunks(found)) {
      const rows = (await strapi.db
        .query(UID.erasure)
        .findMany({ where: { subject: { $in: part } }, select: ['subject'] })) as {
        subject: string;
      }[];
      for (const r of rows) erased.add(r.subject);
    }
    for (const [value, v] of out)
      if (typeof v !== 'string' && erased.has(v.documentId))
        out.set(value, 'the client has been erased');
    return out;
  },
});

export default imports;
