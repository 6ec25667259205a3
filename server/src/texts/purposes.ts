import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import { UID } from '../constants';
import { requiredPurposes } from '../domain/state-machine';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import { fromColumns } from '../utils/rows';
import type { CreatePurposeInput, UpdatePurposeInput } from '../validation/purpose';
import type { PurposeRow } from '../types';
import { transaction } from '../utils/transaction';
import { purposesVersionSql, purposesWithVersion } from './queries';

/** The column the purposes' version is read as, beside the rows. */
const VERSION_COLUMN = 'consent_purposes_version';

const requirementKey = (purposes: PurposeRow[]): string =>
  requiredPurposes(purposes)
    .map((p) => `${p.id}:${p.specialCategory}`)
    .join('|');

/** Purposes: why data is processed, with the legal basis and whether consent is required. */
const purposes = ({ strapi }: { strapi: Core.Strapi }) => {
  /**
   * The last list read by listAt(), with its version (versionSql()): the ledger
   * re-uses it while the version it reads in a statement it sends anyway is the same.
   */
  let known: { version: string; rows: PurposeRow[] } | null = null;
  let versionSqlText: string | null = null;

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

    /** Translations only for configured locales (400 otherwise, nothing written). */
    assertTranslations(translations: Record<string, unknown> | null | undefined): void {
      if (!translations) return;
      const { locales } = getService(strapi, 'config').get();
      const unknown = Object.keys(translations).filter((l) => !locales.includes(l));
      if (unknown.length > 0) {
        throw new errors.ValidationError(
          `locale "${unknown[0]}" is not one of ${locales.join(', ')}`,
          {
            errors: unknown.map((l) => ({
              path: ['translations', l],
              message: `locale "${l}" is not one of ${locales.join(', ')}`,
            })),
          }
        );
      }
    },

    async create(input: CreatePurposeInput): Promise<PurposeRow> {
      this.assertTranslations(input.translations);
      return transaction(strapi, async () => {
        if (await this.findByKey(input.key)) {
          throw new errors.ValidationError(`A purpose with key "${input.key}" already exists`, {
            key: input.key,
          });
        }
        const before = requirementKey(await this.list());
        const created = (await strapi.db.query(UID.purpose).create({
          data: {
            ...input,
            description: input.description ?? null,
            specialCategoryKind: input.specialCategory ? (input.specialCategoryKind ?? null) : null,
            translations: input.translations ?? null,
          },
        })) as PurposeRow;
        await this.afterRequirementChange(before);
        return created;
      });
    },

    async update(key: string, patch: UpdatePurposeInput): Promise<PurposeRow> {
      this.assertTranslations(patch.translations);
      return transaction(strapi, async () => {
        const current = await this.getByKey(key);
        const next = { ...current, ...patch };
        if (next.specialCategoryKind && !next.specialCategory) {
          // Turning the special category off drops its kind; naming a kind needs it on.
          if (patch.specialCategory === false) patch.specialCategoryKind = null;
          else
            throw new errors.ValidationError(
              'a special category kind needs specialCategory: true',
              {
                errors: [{ path: ['specialCategoryKind'], message: 'needs specialCategory: true' }],
              }
            );
        }
        if (next.required && next.legalBasis !== 'consent') {
          throw new errors.ValidationError(
            'only a purpose with legal basis "consent" can be required',
            {
              errors: [{ path: ['required'], message: 'requires legalBasis "consent"' }],
            }
          );
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
     * A scalar subquery whose value changes whenever any purpose row changes, to
     * embed in a statement the caller sends anyway. PostgreSQL: md5 of every row's
     * text (all columns). MySQL/MariaDB and SQLite: every column but timestamps,
     * concatenated; free text (name, description) is length-prefixed, so the
     * string is unambiguous. NULL (no re-use) when it cannot be computed exactly.
     */
    versionSql(): string {
      versionSqlText ??= this.buildVersionSql();
      return versionSqlText;
    },

    buildVersionSql(): string {
      return purposesVersionSql(dialectOf(strapi));
    },

    /** The rows listAt() read last, with their version; null before its first read. */
    lastRead(): { version: string; rows: PurposeRow[] } | null {
      return known;
    },

    /**
     * list(), unless the rows read last time have `version`, a versionSql() value
     * the caller read in a statement it sends anyway: then those rows (unchanged
     * since). On a miss the rows and their version are read in ONE statement, so
     * the version kept always belongs to the rows kept. Several instances may share
     * the database: the check is against the database, never an invalidation
     * signal. The rows are shared between callers, so they are frozen.
     */
    async listAt(version: string | null): Promise<PurposeRow[]> {
      if (known && version !== null && known.version === version) return known.rows;
      const raw = await transaction(strapi, ({ trx }) =>
        purposesWithVersion(trx, this.versionSql(), VERSION_COLUMN)
      );
      const rows = Object.freeze(
        raw.map((row) => Object.freeze(fromColumns<PurposeRow>(strapi, UID.purpose, row)))
      ) as PurposeRow[];
      const current = (raw[0]?.[VERSION_COLUMN] as string | null | undefined) ?? null;
      if (current !== null) known = { version: current, rows };
      return rows;
    },
  };
};

export default purposes;
