import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { TABLE, UID } from '../constants';
import { requiredPurposes } from '../domain/state-machine';
import { dialectOf, quoteId, stringAggSql } from '../utils/dialect';
import { getService } from '../utils/get-service';
import type { CreatePurposeInput, UpdatePurposeInput } from '../validation/purpose';
import type { PurposeRow } from './types';

const requirementKey = (purposes: PurposeRow[]): string =>
  requiredPurposes(purposes)
    .map((p) => `${p.id}:${p.specialCategory}`)
    .join('|');

/** Purposes: why data is processed, with the legal basis and whether consent is required. */
const purposes = ({ strapi }: { strapi: Core.Strapi }) => {
  /**
   * The last list read by listAt(), with its version: the ledger re-uses it while
   * the version it reads from the database in a statement it sends anyway is the same.
   */
  let known: { version: string; rows: PurposeRow[] } | null = null;

  return {
    async list(): Promise<PurposeRow[]> {
      return (await strapi.db.query(UID.purpose).findMany({
        orderBy: [{ position: 'asc' }, { id: 'asc' }],
      })) as PurposeRow[];
    },

    async findByKey(key: string): Promise<PurposeRow | null> {
      return (await strapi.db.query(UID.purpose).findOne({ where: { key } })) as PurposeRow | null;
    },

    async getByKey(key: string): Promise<PurposeRow> {
      const purpose = await this.findByKey(key);
      if (!purpose) throw new errors.NotFoundError('Purpose not found', { purpose: key });
      return purpose;
    },

    async create(input: CreatePurposeInput): Promise<PurposeRow> {
      return strapi.db.transaction(async () => {
        if (await this.findByKey(input.key)) {
          throw new errors.ValidationError(`A purpose with key "${input.key}" already exists`, { key: input.key });
        }
        const before = requirementKey(await this.list());
        const created = (await strapi.db.query(UID.purpose).create({
          data: { ...input, description: input.description ?? null },
        })) as PurposeRow;
        await this.afterRequirementChange(before);
        return created;
      });
    },

    async update(key: string, patch: UpdatePurposeInput): Promise<PurposeRow> {
      return strapi.db.transaction(async () => {
        const current = await this.getByKey(key);
        const next = { ...current, ...patch };
        if (next.required && next.legalBasis !== 'consent') {
          throw new errors.ValidationError('only a purpose with legal basis "consent" can be required', {
            errors: [{ path: ['required'], message: 'requires legalBasis "consent"' }],
          });
        }
        const before = requirementKey(await this.list());
        const updated = (await strapi.db.query(UID.purpose).update({
          where: { id: current.id },
          data: patch,
        })) as PurposeRow;
        await this.afterRequirementChange(before);
        return updated;
      });
    },

    /**
     * Which purposes are required (and which need explicit consent) is part of every
     * subject's fingerprint: when that set changes, recompute all fingerprints in one
     * set-based statement. Publishing a version never comes here.
     */
    async afterRequirementChange(before: string): Promise<void> {
      const after = requirementKey(await this.list());
      if (after !== before) await getService(strapi, 'states').recomputeFingerprints();
    },

    /**
     * A scalar subquery whose value is every column of every purpose (versionOf()
     * computed by the database), to embed in a statement the caller sends anyway.
     * Free text (name, description) is length-prefixed, so the string is unambiguous.
     */
    versionSql(): string {
      const dialect = dialectOf(strapi);
      const text = (expr: string) => `COALESCE(CAST(${expr} AS ${dialect === 'mysql' ? 'CHAR' : 'TEXT'}), '~')`;
      const flag = (column: string) => `CASE WHEN p.${column} THEN '1' ELSE '0' END`;
      const length = (column: string) =>
        text(`${dialect === 'mysql' ? 'CHAR_LENGTH' : dialect === 'postgres' ? 'char_length' : 'length'}(p.${column})`);
      const parts = [
        text('p.id'),
        text(`p.${quoteId(dialect, 'key')}`),
        text('p.legal_basis'),
        flag('special_category'),
        flag('required'),
        flag('active'),
        text('p.position'),
        text('p.current_major'),
        text('p.current_minor'),
        text('p.current_text_id'),
        length('name'),
        text('p.name'),
        length('description'),
        text('p.description'),
      ];
      const row = dialect === 'mysql' ? `CONCAT_WS(':', ${parts.join(', ')})` : parts.join(` || ':' || `);
      return `(SELECT ${stringAggSql(dialect, row, 'p.id', '|')} FROM ${TABLE.purpose} p)`;
    },

    /** The same string as versionSql(), from rows as list() returns them. */
    versionOf(rows: PurposeRow[]): string {
      const text = (value: unknown) => (value === null || value === undefined ? '~' : String(value));
      const flag = (value: unknown) => (value ? '1' : '0');
      const length = (value: string | null | undefined) => (value === null || value === undefined ? '~' : String([...value].length));
      return [...rows]
        .sort((a, b) => a.id - b.id)
        .map((p) =>
          [
            text(p.id),
            text(p.key),
            text(p.legalBasis),
            flag(p.specialCategory),
            flag(p.required),
            flag(p.active),
            text(p.position),
            text(p.currentMajor),
            text(p.currentMinor),
            text(p.currentTextId),
            length(p.name),
            text(p.name),
            length(p.description),
            text(p.description),
          ].join(':')
        )
        .join('|');
    },

    /**
     * list(), unless the rows read last time have `version` (a versionSql() value
     * read in the caller's statement): then those rows, which equal the table's
     * content column for column. Several instances may share the database: the
     * check is against the database, never an invalidation signal. The rows are
     * shared between callers, so they are frozen.
     */
    async listAt(version: string | null): Promise<PurposeRow[]> {
      if (known && known.version === (version ?? '')) return known.rows;
      const rows = Object.freeze((await this.list()).map((row) => Object.freeze(row))) as PurposeRow[];
      known = { version: this.versionOf(rows), rows };
      return rows;
    },
  };
};

export default purposes;
