import type { ChangeKind, LegalBasis, PublishChangeKind, SpecialCategoryKind } from './enums';

/** A purpose's name and description in one locale (the purpose's own fields are the default). */
export interface PurposeTranslation {
  name?: string | null;
  description?: string | null;
}
export type PurposeTranslations = Record<string, PurposeTranslation>;

/**
 * A purpose's name and description in `locale`: its translation there, else in the locale's
 * language (`da` for `da-DK`), else its own fields. Shared by the server (pages, mails,
 * receipts) and the admin (staff read purposes in their own language).
 */
export const localisedPurpose = (
  purpose: { name: string; description?: string | null; translations?: PurposeTranslations | null },
  locale: string | null | undefined
): { name: string; description: string | null } => {
  const translations = purpose.translations ?? {};
  const language = locale?.split('-')[0];
  const found =
    (locale ? translations[locale] : undefined) ?? (language ? translations[language] : undefined);
  return {
    name: found?.name?.trim() || purpose.name,
    description: found?.description?.trim() || (purpose.description ?? null),
  };
};

/** A purpose of processing, with the version of its text in force. */
export interface Purpose {
  id: number;
  documentId: string;
  key: string;
  name: string;
  description: string | null;
  legalBasis: LegalBasis;
  specialCategory: boolean;
  /** Which Art. 9(1) category a special-category purpose processes (receipts name it). */
  specialCategoryKind: SpecialCategoryKind | null;
  /** Name and description per locale (the admin and the client read them in their language). */
  translations: PurposeTranslations | null;
  marketing: boolean;
  /** Anonymous consent to it counts only once confirmed by link (double opt-in). */
  doubleOptIn: boolean;
  required: boolean;
  active: boolean;
  position: number | null;
  currentMajor: number | null;
  currentMinor: number | null;
}

export interface TextBody {
  title: string;
  text: string;
  sha256?: string;
}

/** One published version of a purpose's text, with a body per locale. */
export interface TextVersion {
  id: number;
  documentId: string;
  purposeKey: string;
  version: string;
  major: number;
  minor: number;
  changeKind: ChangeKind;
  defaultLocale: string;
  bodies: Record<string, TextBody>;
  summary: string | null;
  releasedAt: string;
  releasedByName: string | null;
}

/** The editable fields of a purpose (the key never changes). */
export interface PurposeFields {
  name: string;
  description?: string | null;
  legalBasis: LegalBasis;
  specialCategory?: boolean;
  specialCategoryKind?: SpecialCategoryKind | null;
  translations?: PurposeTranslations | null;
  marketing?: boolean;
  doubleOptIn?: boolean;
  required?: boolean;
  active?: boolean;
  position?: number;
}

/** GET /consent/purposes */
export declare namespace GetPurposes {
  interface Response {
    data: Purpose[];
  }
}

/** POST /consent/purposes */
export declare namespace CreatePurpose {
  interface Request {
    body: PurposeFields & { key: string };
  }
  interface Response {
    data: Purpose;
  }
}

/** PUT /consent/purposes/:key */
export declare namespace UpdatePurpose {
  interface Params {
    key: string;
  }
  interface Request {
    body: Partial<PurposeFields>;
  }
  interface Response {
    data: Purpose;
  }
}

/**
 * Above this share of words changed, an editorial change (existing consents stay valid)
 * looks like a new text: the admin shows the size and asks the editor to confirm.
 */
export const EDITORIAL_CHANGE_LIMIT = 0.2;

/** GET /consent/purposes/:key/versions: newest first. */
export declare namespace GetVersions {
  interface Params {
    key: string;
  }
  interface Response {
    data: { purpose: Purpose; versions: TextVersion[] };
  }
}

/** POST /consent/purposes/:key/versions */
export declare namespace PublishVersion {
  interface Params {
    key: string;
  }
  interface Request {
    body: {
      changeKind: PublishChangeKind;
      bodies: Record<string, { title: string; text: string }>;
      summary?: string;
    };
  }
  interface Response {
    data: TextVersion;
  }
}

export interface DiffLine {
  op: 'same' | 'add' | 'remove';
  text: string;
}

/** POST /consent/purposes/:key/versions/preview: the same body as publishing; writes nothing. */
export declare namespace PreviewVersion {
  interface Params {
    key: string;
  }
  type Request = PublishVersion.Request;
  interface Response {
    data: {
      purpose: string;
      currentVersion: string | null;
      nextVersion: string;
      changeKind: ChangeKind;
      diff: {
        locale: string;
        title: { from: string | null; to: string | null };
        lines: DiffLine[];
        /** How much of this locale's text changed: words removed and added, and their share of both versions' words. */
        change: { share: number; removed: number; added: number; unit: 'word' | 'line' };
      }[];
      /**
       * The largest share changed in any locale; `large` when an editorial change goes above
       * `limit` (EDITORIAL_CHANGE_LIMIT): the admin asks the editor to confirm it is editorial.
       */
      change: { share: number; limit: number; large: boolean };
      affected: { clients: number; description?: string };
    };
  }
}
