import type { Core } from '@strapi/strapi';
import { EDITORIAL_CHANGE_LIMIT } from '../contracts';
import { changedShare, diffLines, type DiffLine } from '../domain/line-diff';
import { needsConsent, requiredPurposes } from '../domain/state-machine';
import { formatVersion, nextVersion } from '../domain/version';
import { getService } from '../utils/get-service';
import type { PublishTextInput } from '../validation/text';
import { own } from '../utils/own';
import { countGivenToMajor, countWithFingerprint } from './queries';

export interface LocaleDiff {
  locale: string;
  title: { from: string | null; to: string | null };
  lines: DiffLine[];
  change: ReturnType<typeof changedShare>;
}

/**
 * What publishing a version would do, before the editor confirms: the version it
 * would get, a line diff against the current version per locale, and how many
 * clients would lose valid consent. Reads only; nothing is written.
 */
const textPreview = ({ strapi }: { strapi: Core.Strapi }) => ({
  async preview(purposeKey: string, input: PublishTextInput) {
    const texts = getService(strapi, 'texts');
    const purpose = await getService(strapi, 'purposes').getByKey(purposeKey);
    texts.assertBodies(input);
    const current =
      purpose.currentMajor !== null && purpose.currentMinor !== null
        ? await texts.findVersion(purpose.key, purpose.currentMajor, purpose.currentMinor)
        : null;
    const { version, changeKind } = nextVersion(
      current ? { major: current.major, minor: current.minor } : null,
      input.changeKind
    );

    const locales = [
      ...new Set([...Object.keys(current?.bodies ?? {}), ...Object.keys(input.bodies)]),
    ].sort();
    const diff: LocaleDiff[] = locales.map((locale) => {
      const from = own(current?.bodies, locale) ?? null;
      const to = own(input.bodies, locale) ?? null;
      return {
        locale,
        title: { from: from?.title ?? null, to: to?.title ?? null },
        lines: diffLines(from?.text ?? '', to?.text ?? ''),
        // The title counts with the text: a new title over the same words is a change too.
        change: changedShare(
          `${from?.title ?? ''}\n${from?.text ?? ''}`,
          `${to?.title ?? ''}\n${to?.text ?? ''}`
        ),
      };
    });
    // A locale added or left out counts fully: it is all new, or no longer there.
    const share = Math.max(0, ...diff.map((d) => d.change.share));

    return {
      purpose: purpose.key,
      currentVersion: current?.version ?? null,
      nextVersion: formatVersion(version),
      changeKind,
      diff,
      change: {
        share,
        limit: EDITORIAL_CHANGE_LIMIT,
        large: changeKind === 'editorial' && share > EDITORIAL_CHANGE_LIMIT,
      },
      affected: await this.affected(purpose.key, changeKind),
    };
  },

  /** Clients whose consent stops being valid if the change is published. */
  async affected(
    purposeKey: string,
    changeKind: string
  ): Promise<{ clients: number; description: string }> {
    if (changeKind === 'editorial') {
      return { clients: 0, description: 'Editorial change: existing consents stay valid.' };
    }
    if (changeKind === 'initial') {
      return {
        clients: 0,
        description:
          'First version of this text: nobody has consented to it yet, so no valid consent is lost.',
      };
    }
    const purposes = await getService(strapi, 'purposes').list();
    const purpose = purposes.find((p) => p.key === purposeKey);
    if (!purpose || !needsConsent(purpose)) {
      return {
        clients: 0,
        description: `This purpose is based on ${purpose?.legalBasis ?? 'another legal basis'}, not consent: no client is asked again.`,
      };
    }
    const clients = getService(strapi, 'clients');
    const host = clients.host();
    // Consents to this purpose's current major: they become outdated.
    const outdated = await countGivenToMajor(
      strapi.db.connection,
      host,
      purposeKey,
      purpose.currentMajor
    );
    if (!requiredPurposes(purposes).some((p) => p.key === purposeKey)) {
      return {
        clients: 0,
        description: `Not a required purpose: valid consent does not change; ${outdated} client(s) will be asked again for this purpose.`,
      };
    }
    // Every client with valid consent holds this purpose's current major: all of them lose it.
    const fingerprint = await getService(strapi, 'states').currentFingerprint();
    const valid =
      fingerprint === '' ? 0 : await countWithFingerprint(strapi.db.connection, host, fingerprint);
    return {
      clients: valid,
      description: `Substantive change to a required purpose: ${valid} client(s) with valid consent today lose it and must consent again.`,
    };
  },
});

export default textPreview;
