import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import { HUB_EVENT, UID } from '../constants';
import { needsConsent, needsExplicitConsent } from '../domain/state-machine';
import { bodyHash, formatVersion, nextVersion } from '../domain/version';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import type { PublishTextInput } from '../validation/text';
import type { ConsentText } from '../front-end/consent-form';
import type { PurposeRow, TextBody, TextRow } from '../types';
import { own } from '../utils/own';
import { transaction } from '../utils/transaction';
import { lockPurpose } from './queries';
import { localisedPurpose } from '../contracts';

export interface Publisher {
  id?: string | number | null;
  name?: string | null;
}

/**
 * One purpose with its current text, as `GET /api/consent/texts` returns it. The shape is the
 * public contract the front-end helper declares (front-end/consent-form.ts), so the two cannot
 * drift; the server always sets what the helper takes as optional.
 */
export interface CurrentText extends ConsentText {
  description: string | null;
  legalBasis: PurposeRow['legalBasis'];
  marketing: boolean;
}

/** Pick the body for a locale, falling back to the version's default locale. */
export const bodyFor = (
  text: TextRow,
  locale: string | undefined
): { locale: string; body: TextBody } => {
  const asked = locale ? own(text.bodies, locale) : undefined;
  if (locale && asked) return { locale, body: asked };
  return { locale: text.defaultLocale, body: text.bodies[text.defaultLocale] };
};

export const versionKey = (purposeKey: string, major: number, minor: number): string =>
  `${purposeKey}@${major}.${minor}`;

const MAX_KEPT_VERSIONS = 1000;

/** Versioned consent texts: immutable published versions, one body per locale. */
const texts = ({ strapi }: { strapi: Core.Strapi }) => {
  /** Published versions seen by this Strapi instance (they never change), by versionKey. */
  const publishedVersions = new Map<string, TextRow>();
  return {
    async listVersions(purposeKey: string): Promise<TextRow[]> {
      return (await strapi.db.query(UID.text).findMany({
        where: { purposeKey },
        orderBy: [{ major: 'desc' }, { minor: 'desc' }],
      })) as TextRow[];
    },

    async findByDocumentIds(documentIds: string[]): Promise<TextRow[]> {
      if (documentIds.length === 0) return [];
      return (await strapi.db
        .query(UID.text)
        .findMany({ where: { documentId: { $in: documentIds } } })) as TextRow[];
    },

    async findVersion(purposeKey: string, major: number, minor: number): Promise<TextRow | null> {
      return (await strapi.db
        .query(UID.text)
        .findOne({ where: { purposeKey, major, minor } })) as TextRow | null;
    },

    /**
     * Several versions, keyed by versionKey(purposeKey, major, minor); missing ones
     * are absent. A published version is immutable (append-only guard: no update,
     * no delete through Strapi), so the versions already seen are kept in memory and
     * the others read in one query. A version read inside a transaction is kept
     * only once that transaction commits: it may have been published in it.
     */
    async findVersions(
      wanted: { purposeKey: string; major: number; minor: number }[]
    ): Promise<Map<string, TextRow>> {
      const found = new Map<string, TextRow>();
      const missing: typeof wanted = [];
      for (const w of wanted) {
        const key = versionKey(w.purposeKey, w.major, w.minor);
        const known = publishedVersions.get(key);
        if (known) found.set(key, known);
        else missing.push(w);
      }
      if (missing.length === 0) return found;
      const rows = (await strapi.db.query(UID.text).findMany({
        where: {
          $or: missing.map(({ purposeKey, major, minor }) => ({ purposeKey, major, minor })),
        },
      })) as TextRow[];
      for (const row of rows) found.set(versionKey(row.purposeKey, row.major, row.minor), row);
      const keep = () => {
        if (publishedVersions.size + rows.length > MAX_KEPT_VERSIONS) publishedVersions.clear();
        for (const row of rows)
          publishedVersions.set(versionKey(row.purposeKey, row.major, row.minor), row);
      };
      if (strapi.db.inTransaction())
        await transaction(strapi, async ({ onCommit }) => onCommit(keep));
      else keep();
      return found;
    },

    /** The current version of every active purpose's text, in one locale (default locale as fallback). */
    async current(locale?: string): Promise<CurrentText[]> {
      return this.currentOf(await getService(strapi, 'purposes').list(), locale);
    },

    /**
     * current() for a list of purposes the caller has (the sender's, from purposes.listAt()).
     * The texts are published versions, which never change: read once (findVersions keeps
     * them), so a batch of messages whose purposes are unchanged reads nothing.
     */
    async currentOf(all: readonly PurposeRow[], locale?: string): Promise<CurrentText[]> {
      const purposes = all.filter((p) => p.active && p.currentTextId);
      const versions = await this.findVersions(
        purposes
          .filter((p) => p.currentMajor !== null && p.currentMinor !== null)
          .map((p) => ({
            purposeKey: p.key,
            major: p.currentMajor as number,
            minor: p.currentMinor as number,
          }))
      );
      const byId = new Map([...versions.values()].map((t) => [t.documentId, t]));
      // A current text id that is not the version the purpose names (never written so; a safeguard): read by id.
      const missing = purposes
        .filter((p) => !byId.has(p.currentTextId as string))
        .map((p) => p.currentTextId as string);
      for (const text of await this.findByDocumentIds(missing)) byId.set(text.documentId, text);
      return purposes.flatMap((purpose) => {
        const text = byId.get(purpose.currentTextId as string);
        if (!text) return [];
        const chosen = bodyFor(text, locale);
        // In the language asked for (the page's), also when the text falls back to the default locale.
        const named = localisedPurpose(purpose, locale ?? chosen.locale);
        return [
          {
            purpose: purpose.key,
            name: named.name,
            description: named.description,
            legalBasis: purpose.legalBasis,
            requiresConsent: needsConsent(purpose),
            required: purpose.required && needsConsent(purpose),
            explicit: needsExplicitConsent(purpose),
            specialCategory: purpose.specialCategory,
            marketing: purpose.marketing,
            textId: text.documentId,
            version: text.version,
            locale: chosen.locale,
            title: chosen.body.title,
            text: chosen.body.text,
            sha256: chosen.body.sha256,
            releasedAt: text.releasedAt,
          },
        ];
      });
    },

    /** The bodies' locales are configured ones and the default locale is there (400 otherwise). */
    assertBodies(input: PublishTextInput): void {
      const config = getService(strapi, 'config').get();
      const problems: { path: string[]; message: string }[] = [];
      for (const locale of Object.keys(input.bodies)) {
        if (!config.locales.includes(locale)) {
          problems.push({
            path: ['bodies', locale],
            message: `locale "${locale}" is not one of ${config.locales.join(', ')}`,
          });
        }
      }
      if (!input.bodies[config.defaultLocale]) {
        problems.push({
          path: ['bodies', config.defaultLocale],
          message: `the default locale "${config.defaultLocale}" is required`,
        });
      }
      if (problems.length > 0) {
        throw new errors.ValidationError(problems[0].message, { errors: problems });
      }
    },

    /**
     * Publish a new version of a purpose's text. Substantive: MAJOR+1, consents to
     * older majors become outdated, which costs one row update here because validity
     * is derived from the purpose's current major. Editorial: MINOR+1, nothing changes
     * for clients. The version row is immutable from then on.
     */
    async publish(
      purposeKey: string,
      input: PublishTextInput,
      publisher: Publisher = {}
    ): Promise<TextRow> {
      this.assertBodies(input);
      const config = getService(strapi, 'config').get();

      const text = await transaction(strapi, async ({ trx, onCommit }) => {
        // Lock the purpose so two editors publishing at once get consecutive versions.
        const locked = await lockPurpose(trx, dialectOf(strapi), purposeKey);
        if (!locked) throw new errors.NotFoundError('Purpose not found', { purpose: purposeKey });
        const purpose = (await getService(strapi, 'purposes').getByKey(purposeKey)) as PurposeRow;

        const current =
          purpose.currentMajor !== null && purpose.currentMinor !== null
            ? { major: purpose.currentMajor, minor: purpose.currentMinor }
            : null;
        const { version, changeKind } = nextVersion(current, input.changeKind);
        const bodies = Object.fromEntries(
          Object.entries(input.bodies).map(([locale, body]) => [
            locale,
            { ...body, sha256: bodyHash(body) },
          ])
        );

        const created = (await strapi.db.query(UID.text).create({
          data: {
            purposeKey,
            major: version.major,
            minor: version.minor,
            version: formatVersion(version),
            changeKind,
            defaultLocale: config.defaultLocale,
            bodies,
            summary: input.summary ?? null,
            // The plugin's clock, as decisions from the consent pages: a campaign compares the two.
            releasedAt: getService(strapi, 'clock').now(),
            releasedById: publisher.id != null ? String(publisher.id) : null,
            releasedByName: publisher.name ?? null,
          },
        })) as TextRow;

        await strapi.db.query(UID.purpose).update({
          where: { id: purpose.id },
          data: {
            currentMajor: version.major,
            currentMinor: version.minor,
            currentTextId: created.documentId,
          },
        });

        onCommit(() => {
          strapi.eventHub.emit(HUB_EVENT.textPublished, {
            purpose: purposeKey,
            version: created.version,
            changeKind,
            textId: created.documentId,
          });
        });
        return created;
      });
      return text;
    },
  };
};

export default texts;
