import type { LegalBasis } from '../constants';
import { COLLECTION_METHODS, type ReceiptConsent, type ReceiptController } from './receipt-kantara';
import { own } from '../utils/own';
import { specialCategoryLabel } from './special-category';

/**
 * A consent record shaped after ISO/IEC TS 27560:2023 ("Consent record information
 * structure"): the record, the PII principal, the controller, and per purpose the
 * notice shown (version, hash, locale), the legal basis, the processing, the consent
 * status with its timestamps, how it was collected, how to withdraw, and references
 * to the events of the proof log (with their chain hashes once the chain has them).
 * Vocabulary: W3C DPV (dpv:) and its GDPR extension (eu-gdpr:), as the TS suggests.
 */
export const ISO27560_SCHEMA_VERSION = 'ISO/IEC TS 27560:2023';

export const DPV_LEGAL_BASIS: Record<LegalBasis, { dpv: string; gdpr: string }> = {
  consent: { dpv: 'dpv:Consent', gdpr: 'eu-gdpr:A6-1-a' },
  contract: { dpv: 'dpv:Contract', gdpr: 'eu-gdpr:A6-1-b' },
  legal_obligation: { dpv: 'dpv:LegalObligation', gdpr: 'eu-gdpr:A6-1-c' },
  vital_interests: { dpv: 'dpv:VitalInterest', gdpr: 'eu-gdpr:A6-1-d' },
  public_task: { dpv: 'dpv:PublicTask', gdpr: 'eu-gdpr:A6-1-e' },
  legitimate_interests: { dpv: 'dpv:LegitimateInterest', gdpr: 'eu-gdpr:A6-1-f' },
};

/** DPV consent status of a decision (dpv:ConsentStatus concepts). */
export const DPV_CONSENT_STATUS: Record<string, string> = {
  given: 'dpv:ConsentGiven',
  refused: 'dpv:ConsentRefused',
  withdrawn: 'dpv:ConsentWithdrawn',
  revoked: 'dpv:ConsentInvalidated',
  expired: 'dpv:ConsentExpired',
  none: 'dpv:ConsentUnknown',
};

/** An event of the proof log the record points at. */
export interface EventReference {
  id: number;
  documentId: string;
  decision: string;
  occurredAt: string;
  channel: string | null;
  /** The event's chain hash and its predecessor's, when the chain covers it. */
  hash: string | null;
  prevHash: string | null;
  chainSeq: number | null;
}

export interface IsoPurposeInput {
  consent: ReceiptConsent | null;
  purpose: ReceiptConsent['purpose'];
  currentVersion: string | null;
  /** When the consent was given and when it ended (withdrawn, refused later, revoked, expired), if known. */
  givenAt: string | null;
  endedAt: string | null;
  events: EventReference[];
}

export interface IsoInput {
  recordId: string;
  subject: string;
  controller: ReceiptController;
  fallbackPolicyUrl: string;
  withdrawal: { method: string; url: string | null; contact: string | null };
  purposes: IsoPurposeInput[];
  generatedAt: Date;
}

export const buildIsoRecord = (input: IsoInput) => {
  const { controller } = input;
  return {
    schema_version: ISO27560_SCHEMA_VERSION,
    record_id: input.recordId,
    record_type: 'consent record',
    generated_at: input.generatedAt.toISOString(),
    pii_principal: { id: input.subject, id_type: 'controller-assigned identifier (document id)' },
    controllers: [
      {
        name: controller.name,
        contact: controller.contact,
        email: controller.email,
        phone: controller.phone,
        address: controller.address,
        country: controller.country,
        privacy_policy: controller.privacyPolicyUrl ?? input.fallbackPolicyUrl,
        role: 'dpv:DataController',
      },
    ],
    jurisdiction: controller.country ? [controller.country, 'EU'] : ['EU'],
    applicable_law: 'eu-gdpr:GDPR',
    purposes: input.purposes.map((p) => {
      const basis = DPV_LEGAL_BASIS[p.purpose.legalBasis];
      const c = p.consent;
      return {
        purpose_id: p.purpose.key,
        purpose: p.purpose.name,
        description: p.purpose.description,
        purpose_category: p.purpose.marketing ? 'dpv:DirectMarketing' : 'dpv:ServiceProvision',
        legal_basis: {
          dpv: basis.dpv,
          gdpr: basis.gdpr,
          special_category: p.purpose.specialCategory ? 'eu-gdpr:A9-2-a' : null,
        },
        // Which Art. 9(1) category the purpose processes (eu-gdpr:A9-1), in the Regulation's words.
        special_category_data: p.purpose.specialCategory
          ? {
              gdpr: 'eu-gdpr:A9-1',
              kind: p.purpose.specialCategoryKind ?? null,
              label: specialCategoryLabel(p.purpose.specialCategoryKind),
            }
          : null,
        required: p.purpose.required,
        processing: ['dpv:Collect', 'dpv:Store', 'dpv:Use'],
        personal_data: ['dpv:Name', 'dpv:EmailAddress', 'dpv:TelephoneNumber'],
        notice: c
          ? {
              version: c.textVersion,
              current_version: p.currentVersion,
              locale: c.textLocale,
              hash: c.textHash ? { algorithm: 'SHA-256', value: c.textHash } : null,
            }
          : { version: null, current_version: p.currentVersion, locale: null, hash: null },
        consent: {
          status: own(DPV_CONSENT_STATUS, c?.decision ?? 'none') ?? 'dpv:ConsentUnknown',
          decision: c?.decision ?? null,
          explicit: c ? c.explicit || p.purpose.specialCategory : null,
          given_at: p.givenAt,
          ended_at: p.endedAt,
          decided_at: c?.occurredAt ?? null,
          collection_method: c?.channel
            ? {
                channel: c.channel,
                description: own(COLLECTION_METHODS, c.channel) ?? c.channel,
                source: c.source,
              }
            : null,
        },
        withdrawal: input.withdrawal,
        events: p.events.map((e) => ({
          id: e.id,
          document_id: e.documentId,
          decision: e.decision,
          occurred_at: e.occurredAt,
          channel: e.channel,
          chain_seq: e.chainSeq,
          hash: e.hash ? { algorithm: 'SHA-256', value: e.hash } : null,
          prev_hash: e.prevHash,
        })),
      };
    }),
  };
};

export type IsoRecord = ReturnType<typeof buildIsoRecord>;
