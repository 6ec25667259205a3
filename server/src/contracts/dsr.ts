/**
 * The register of data-subject requests (GDPR Art. 12(3), 15-21): its enumerations, the
 * status transitions it allows, and the admin API's shapes (/consent/dsr...).
 */

/** The rights a person can exercise (Art. 15-21, and withdrawal of consent, Art. 7(3)). */
export const DSR_KINDS = [
  'access',
  'rectification',
  'erasure',
  'restriction',
  'portability',
  'objection',
  'withdrawal',
] as const;
export type DsrKind = (typeof DSR_KINDS)[number];

/** How the request reached the business. */
export const DSR_CHANNELS = ['email', 'phone', 'desk', 'public_form'] as const;
export type DsrChannel = (typeof DSR_CHANNELS)[number];

export const DSR_STATUSES = [
  'received',
  'verified',
  'in_progress',
  'completed',
  'refused',
] as const;
export type DsrStatus = (typeof DSR_STATUSES)[number];

/** Statuses that still run against the due date. */
export const DSR_OPEN_STATUSES = [
  'received',
  'verified',
  'in_progress',
] as const satisfies readonly DsrStatus[];

/** received -> verified -> in_progress -> completed | refused; refusal is possible from every open status. */
export const DSR_TRANSITIONS: Readonly<Record<DsrStatus, readonly DsrStatus[]>> = {
  received: ['verified', 'refused'],
  verified: ['in_progress', 'refused'],
  in_progress: ['completed', 'refused'],
  completed: [],
  refused: [],
};

export const canTransition = (from: DsrStatus, to: DsrStatus): boolean =>
  DSR_TRANSITIONS[from].includes(to);

/** The records a request can lead to, each named by its document id. */
export const DSR_ACTION_TYPES = ['access_archive', 'erasure', 'consent_withdrawal'] as const;
export type DsrActionType = (typeof DSR_ACTION_TYPES)[number];

/** Art. 12(3): one month, extendable once by up to two further months. */
export const DSR_MAX_EXTENSION_MONTHS = 2;

export interface DsrAction {
  type: DsrActionType;
  /** The document id of the access-archive audit entry, the erasure record or the consent event. */
  reference: string;
  note: string | null;
  linkedAt: string;
}

export interface DsrRequest {
  documentId: string;
  kind: DsrKind;
  /** The client's document id; null while unidentified. */
  client: string | null;
  /** The address or number the request came from (the public form's confirmed address). */
  contact: string | null;
  channel: DsrChannel;
  receivedAt: string;
  dueAt: string;
  extendedAt: string | null;
  extensionMonths: number | null;
  extensionReason: string | null;
  status: DsrStatus;
  verificationMethod: string | null;
  verifiedBy: string | null;
  verifiedAt: string | null;
  refusalReason: string | null;
  closedAt: string | null;
  details: string | null;
  actions: DsrAction[];
  /** Open and past its due date (computed when read). */
  overdue: boolean;
}

export interface DsrHistoryEntry {
  id: number;
  change: 'created' | 'transition' | 'extended' | 'action_linked';
  fromStatus: DsrStatus | null;
  toStatus: DsrStatus | null;
  actorType: 'admin' | 'subject' | 'system';
  actorId: string | null;
  actorName: string | null;
  details: Record<string, unknown> | null;
  occurredAt: string;
}

export interface DsrCounts {
  open: number;
  dueSoon: number;
  overdue: number;
}

/** POST /consent/dsr */
export declare namespace CreateDsrRequest {
  interface Request {
    body: {
      kind: DsrKind;
      channel: DsrChannel;
      client?: string | null;
      contact?: string | null;
      /** ISO 8601; now when omitted. Not in the future. */
      receivedAt?: string;
      details?: string | null;
    };
  }
  interface Response {
    data: DsrRequest;
  }
}

/** GET /consent/dsr: newest first, keyset-paged (`before` = meta.next). */
export declare namespace GetDsrRequests {
  interface Request {
    query: {
      status?: DsrStatus;
      kind?: DsrKind;
      client?: string;
      /** `overdue`: open and past due; `due_soon`: open and due within 7 days. */
      due?: 'overdue' | 'due_soon';
      before?: number;
      limit?: number;
    };
  }
  interface Response {
    data: (DsrRequest & { id: number })[];
    meta: { next: number | null };
  }
}

/** GET /consent/dsr/:id */
export declare namespace GetDsrRequest {
  interface Response {
    data: DsrRequest & { history: DsrHistoryEntry[] };
  }
}

/** POST /consent/dsr/:id/transition (409 on a transition the status does not allow) */
export declare namespace TransitionDsrRequest {
  interface Request {
    body: {
      to: DsrStatus;
      /** Required for `verified`: how the identity was checked. */
      verificationMethod?: string;
      /** Sets the client on verification of an unidentified request. */
      client?: string;
      /** Required for `refused`. */
      reason?: string;
      note?: string;
    };
  }
  interface Response {
    data: DsrRequest;
  }
}

/** POST /consent/dsr/:id/extend (409 on a second extension or a closed request) */
export declare namespace ExtendDsrRequest {
  interface Request {
    body: { months: 1 | 2; reason: string };
  }
  interface Response {
    data: DsrRequest;
  }
}

/** POST /consent/dsr/:id/actions */
export declare namespace LinkDsrAction {
  interface Request {
    body: { type: DsrActionType; reference: string; note?: string };
  }
  interface Response {
    data: DsrRequest;
  }
}
