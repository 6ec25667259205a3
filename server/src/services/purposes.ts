import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { UID } from '../constants';
import { requiredPurposes } from '../domain/state-machine';
import { getService } from '../utils/get-service';
import type { CreatePurposeInput, UpdatePurposeInput } from '../validation/purpose';
import type { PurposeRow } from './types';

const requirementKey = (purposes: PurposeRow[]): string =>
  requiredPurposes(purposes)
    .map((p) => `${p.id}:${p.specialCategory}`)
    .join('|');

/** Purposes: why data is processed, with the legal basis and whether consent is required. */
const purposes = ({ strapi }: { strapi: Core.Strapi }) => ({
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
});

export default purposes;
