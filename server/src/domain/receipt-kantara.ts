import type { Channel } from '../constants';
import type { ControllerDetails, Purpose } from '../contracts';
import { own } from '../utils/own';
import { specialCategoryLabel } from './special-category';

/**
 * Kantara Initiative Consent Receipt Specification v1.1.0 (2018-02-20): the JSON
 * receipt given to the PII principal as a record of the consent.
 * Field names and which are required follow the specification's section 5
 * ("Consent Receipt fields"): every field below is a MUST unless marked optional.
 */
export const KANTARA_VERSION = 'KI-CR-v1.1.0';

export interface KantaraController {
  piiController: string;
  /** Optional: true when the controller acts on behalf of another. */
  onBehalf?: boolean;
  contact: string;
  address: { streetAddress: string; addressCountry: string };
  email: string;
  phone: string;
  /** Optional. */
  piiControllerUrl?: string;
}

export interface KantaraPurpose {
  purpose: string;
  purposeCategory: string[];
  consentType: string;
  piiCategory: string[];
  /** Optional. */
  primaryPurpose?: boolean;
  termination: string;
  thirdPartyDisclosure: boolean;
  /** Required when thirdPartyDisclosure is true. */
  thirdPartyName?: string;
}

export interface KantaraReceipt {
  version: typeof KANTARA_VERSION;
  jurisdiction: string;
  /** Seconds since the epoch (the specification's example and schema use an integer). */
  consentTimestamp: number;
  collectionMethod: string;
  consentReceiptID: string;
  /** Optional: the controller's public key (here the JWK of the receipt signing key). */
  publicKey?: string;
  /** Optional: the language of the consent (ISO 639-1). */
  language?: string;
  piiPrincipalId: string;
  piiControllers: KantaraController[];
  policyUrl: string;
  services: { service: string; purposes: KantaraPurpose[] }[];
  sensitive: boolean;
  spiCat: string[];
}

/** One consent the receipt records: a purpose and the decision on it. */
export interface ReceiptConsent {
  purpose: Pick<
    Purpose,
    | 'key'
    | 'name'
    | 'description'
    | 'legalBasis'
    | 'specialCategory'
    | 'specialCategoryKind'
    | 'marketing'
    | 'required'
  >;
  decision: string;
  explicit: boolean;
  occurredAt: string;
  channel: Channel | string | null;
  source: string | null;
  textVersion: string | null;
  textHash: string | null;
  textLocale: string | null;
}

/** The data controller a receipt names: the settings' controller details, always with a name. */
export interface ReceiptController extends ControllerDetails {
  name: string;
}

/** How each channel collects consent, in words a client reads on the receipt. */
export const COLLECTION_METHODS: Record<string, string> = {
  booking_page: 'Booking form: the client ticked the consent while booking online',
  email_link: 'Email link: the client answered a consent request on the consent page',
  sms_link: 'SMS link: the client answered a consent request on the consent page',
  in_person: 'In person: recorded by staff after the client read the text',
  web_form: 'Web form of the controller',
  import: 'Imported from an earlier consent record',
  api: 'Application interface of the controller (logged-in client)',
  system: 'Recorded by the system',
};

/** Kantara v1.1 appendix purpose categories, chosen from the purpose's legal basis. */
export const purposeCategoryOf = (p: ReceiptConsent['purpose']): string => {
  if (p.marketing) return '6 - Marketing';
  switch (p.legalBasis) {
    case 'contract':
      return '2 - Contracted Service';
    case 'legal_obligation':
      return '12 - Legally Required Data Retention';
    case 'vital_interests':
      return '14 - Protecting Your Health';
    case 'legitimate_interests':
      return '15 - Protecting Our Interests';
    default:
      return '1 - Core Function';
  }
};

export interface KantaraInput {
  receiptId: string;
  subject: string;
  controller: ReceiptController;
  /** Where the client can read the policy when the controller names none. */
  fallbackPolicyUrl: string;
  withdrawal: string;
  consents: ReceiptConsent[];
  /** Locale of the texts shown. */
  language: string;
  publicKey?: string;
}

/** Build a receipt of consents given (every consent passed must be a "given" decision). */
export const buildKantaraReceipt = (input: KantaraInput): KantaraReceipt => {
  const { controller, consents } = input;
  const latest = consents.reduce((max, c) => Math.max(max, Date.parse(c.occurredAt)), 0);
  const methods = [
    ...new Set(
      consents.map(
        (c) => own(COLLECTION_METHODS, c.channel ?? '') ?? String(c.channel ?? 'unknown')
      )
    ),
  ];
  const special = consents.filter((c) => c.purpose.specialCategory);
  const receipt: KantaraReceipt = {
    version: KANTARA_VERSION,
    jurisdiction: controller.country ? `${controller.country}, EU (GDPR)` : 'EU (GDPR)',
    consentTimestamp: Math.floor(latest / 1000),
    collectionMethod: methods.join('; '),
    consentReceiptID: input.receiptId,
    ...(input.publicKey ? { publicKey: input.publicKey } : {}),
    language: input.language.slice(0, 2),
    piiPrincipalId: input.subject,
    piiControllers: [
      {
        piiController: controller.name,
        contact: controller.contact ?? controller.name,
        address: {
          streetAddress: controller.address ?? '',
          addressCountry: controller.country ?? '',
        },
        email: controller.email ?? '',
        phone: controller.phone ?? '',
        ...(controller.privacyPolicyUrl
          ? { piiControllerUrl: new URL(controller.privacyPolicyUrl).origin }
          : {}),
      },
    ],
    policyUrl: controller.privacyPolicyUrl ?? input.fallbackPolicyUrl,
    services: [
      {
        service: `Services of ${controller.name}`,
        purposes: consents.map((c) => ({
          purpose: c.purpose.description
            ? `${c.purpose.name}: ${c.purpose.description}`
            : c.purpose.name,
          purposeCategory: [purposeCategoryOf(c.purpose)],
          consentType: c.explicit || c.purpose.specialCategory ? 'EXPLICIT' : 'EXPRESSED',
          piiCategory: ['1 - Biographical', '2 - Contact'],
          primaryPurpose: c.purpose.required,
          termination: `Until withdrawn (${input.withdrawal}), or until the text of version ${c.textVersion ?? '?'} changes substantially`,
          thirdPartyDisclosure: false,
        })),
      },
    ],
    sensitive: special.length > 0,
    // Each special category once, in the Regulation's words, with the purposes that process it.
    spiCat: [
      ...new Set(
        special.map(
          (c) =>
            `GDPR Art. 9(1): ${specialCategoryLabel(c.purpose.specialCategoryKind)} (${c.purpose.name})`
        )
      ),
    ],
  };
  return receipt;
};

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const nonEmpty: Check = (v) => typeof v === 'string' && v.trim() !== '';
const isBool: Check = (v) => typeof v === 'boolean';
const stringArray: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const nonEmptyStringArray: Check = (v) => stringArray(v) && (v as string[]).length > 0;
const isObject: Check = (v) => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const epochSeconds: Check = (v) => Number.isInteger(v) && (v as number) > 0 && (v as number) < 1e11;

/** The required fields of the specification (MUST), with their type. */
export const KANTARA_REQUIRED = {
  receipt: {
    version: (v: unknown) => v === KANTARA_VERSION,
    jurisdiction: nonEmpty,
    consentTimestamp: epochSeconds,
    collectionMethod: nonEmpty,
    consentReceiptID: nonEmpty,
    piiPrincipalId: nonEmpty,
    piiControllers: (v: unknown) => Array.isArray(v) && v.length > 0,
    policyUrl: nonEmpty,
    services: (v: unknown) => Array.isArray(v) && v.length > 0,
    sensitive: isBool,
    spiCat: stringArray,
  },
  piiController: {
    piiController: nonEmpty,
    contact: isString,
    address: (v: unknown) => isObject(v) || isString(v),
    email: isString,
    phone: isString,
  },
  service: { service: nonEmpty, purposes: (v: unknown) => Array.isArray(v) && v.length > 0 },
  purpose: {
    purpose: nonEmpty,
    purposeCategory: nonEmptyStringArray,
    consentType: nonEmpty,
    piiCategory: nonEmptyStringArray,
    termination: nonEmpty,
    thirdPartyDisclosure: isBool,
  },
} as const;

/** Optional fields, checked for their type when present. */
const OPTIONAL = {
  receipt: {
    publicKey: isString,
    language: (v: unknown) => isString(v) && /^[a-z]{2}$/.test(v as string),
  },
  piiController: { onBehalf: isBool, piiControllerUrl: isString },
  purpose: { primaryPurpose: isBool, thirdPartyName: isString },
};

/**
 * Every way a value fails the specification's field list (required fields present
 * and typed, optional ones typed), as dotted paths; empty when it conforms.
 */
export const validateKantaraReceipt = (value: unknown): string[] => {
  const problems: string[] = [];
  const check = (
    obj: unknown,
    path: string,
    required: Record<string, Check>,
    optional: Record<string, Check> = {}
  ) => {
    if (!isObject(obj)) {
      problems.push(`${path || '(receipt)'}: must be an object`);
      return false;
    }
    const o = obj as Record<string, unknown>;
    for (const [field, ok] of Object.entries(required)) {
      if (!(field in o)) problems.push(`${path}${field}: required`);
      else if (!ok(o[field])) problems.push(`${path}${field}: wrong type or value`);
    }
    for (const [field, ok] of Object.entries(optional)) {
      if (field in o && !ok(o[field])) problems.push(`${path}${field}: wrong type or value`);
    }
    return true;
  };
  if (!check(value, '', KANTARA_REQUIRED.receipt, OPTIONAL.receipt)) return problems;
  const r = value as Record<string, unknown>;
  (Array.isArray(r.piiControllers) ? r.piiControllers : []).forEach((c, i) =>
    check(c, `piiControllers.${i}.`, KANTARA_REQUIRED.piiController, OPTIONAL.piiController)
  );
  (Array.isArray(r.services) ? r.services : []).forEach((s, i) => {
    if (!check(s, `services.${i}.`, KANTARA_REQUIRED.service)) return;
    const purposes = (s as Record<string, unknown>).purposes;
    (Array.isArray(purposes) ? purposes : []).forEach((p, j) => {
      if (!check(p, `services.${i}.purposes.${j}.`, KANTARA_REQUIRED.purpose, OPTIONAL.purpose))
        return;
      const purpose = p as Record<string, unknown>;
      if (purpose.thirdPartyDisclosure === true && !nonEmpty(purpose.thirdPartyName)) {
        problems.push(
          `services.${i}.purposes.${j}.thirdPartyName: required when thirdPartyDisclosure is true`
        );
      }
    });
  });
  if (r.sensitive === true && Array.isArray(r.spiCat) && r.spiCat.length === 0)
    problems.push('spiCat: must name the categories when sensitive is true');
  return problems;
};
