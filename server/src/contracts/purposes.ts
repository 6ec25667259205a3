import type { ChangeKind, LegalBasis, PublishChangeKind } from './enums';

/** A purpose of processing, with the version of its text in force. */
export interface Purpose {
  id: number;
  documentId: string;
  key: string;
  name: string;
  description: string | null;
  legalBasis: LegalBasis;
  specialCategory: boolean;
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
      }[];
      affected: { clients: number; description?: string };
    };
  }
}
