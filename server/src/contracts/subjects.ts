import type {
  Channel,
  ClientStatus,
  Decision,
  ExportFormat,
  LegalBasis,
  PurposeStatus,
  ReceiptFormat,
  RequestChannel,
  RequestStatus,
} from './enums';

/** A client's state for one purpose, with the decision behind it. */
export interface PurposeState {
  purpose: string;
  name: string;
  legalBasis: LegalBasis;
  requiresConsent: boolean;
  required: boolean;
  explicit: boolean;
  status: PurposeStatus;
  currentVersion: string | null;
  decision: {
    decision: Decision;
    version: string | null;
    locale: string | null;
    explicit: boolean;
    /** A Channel, as the state row keeps it (unchecked text). */
    channel: string | null;
    decidedAt: string;
  } | null;
}

/** Decisions from a public booking page, held until the client confirms them by link. */
export interface PendingConfirmation {
  request: string;
  /** Queued or sent: the request still waits for the client. */
  status: RequestStatus;
  channel: RequestChannel | null;
  sentAt: string | null;
  expiresAt: string | null;
  booking: { uid: string; documentId: string } | null;
  heldAt: string;
  decisions: {
    purpose: string;
    decision: 'given' | 'refused';
    version?: string;
    explicit?: boolean;
  }[];
}

export interface ClientConsent {
  subject: string;
  valid: boolean;
  status: ClientStatus;
  /** When the client was erased (then status is `erased` and nothing more can be recorded). */
  erasedAt?: string | null;
  lastDecisionAt: string | null;
  purposes: PurposeState[];
  pending: PendingConfirmation[];
}

export interface ConsentEvent {
  id: number;
  documentId: string;
  purposeKey: string;
  decision: Decision;
  explicit: boolean;
  textVersion: string | null;
  textLocale: string | null;
  channel: Channel;
  source: string | null;
  actorType: 'subject' | 'admin' | 'system';
  actorName: string | null;
  occurredAt: string;
  note: string | null;
}

/** GET /consent/subjects/:documentId */
export declare namespace GetClientConsent {
  interface Params {
    documentId: string;
  }
  interface Response {
    data: ClientConsent;
  }
}

/** GET /consent/subjects/:documentId/events: newest first. */
export declare namespace GetClientEvents {
  interface Params {
    documentId: string;
  }
  interface Request {
    /** `source`: only the events of that source (compared exactly). */
    query: { page?: number; pageSize?: number; source?: string };
  }
  interface Response {
    data: ConsentEvent[];
    meta: { pagination: { page: number; pageSize: number; pageCount: number; total: number } };
  }
}

/** An event in the listing across clients: the event, and whose it is. */
export interface SourcedEvent extends ConsentEvent {
  subject: string;
}

/** GET /consent/events?source=&before=&limit=: newest first; pass `next` as `before` for the next page. */
export declare namespace GetEvents {
  interface Request {
    query: { source?: string; before?: number; limit?: number };
  }
  interface Response {
    data: { events: SourcedEvent[]; next: number | null };
  }
}

/** GET /consent/events/export?source=&format=csv|json|xlsx&locale=: one source's events, a download. */
export declare namespace ExportEvents {
  interface Request {
    query: { source: string; format?: ExportFormat; locale?: string };
  }
}

export interface DecisionInput {
  purpose: string;
  decision: Decision;
  /** The text version the client was shown; the current one when omitted. */
  version?: string;
  /** The client ticked the purpose's own box (needed for special categories). */
  explicit?: boolean;
}

/** POST /consent/subjects/:documentId/decisions: annulling (`revoked`) needs the reason in `note`. */
export declare namespace RecordDecisions {
  interface Params {
    documentId: string;
  }
  interface Request {
    body: {
      decisions: DecisionInput[];
      locale?: string;
      channel?: Channel;
      source?: string;
      note?: string;
    };
  }
  interface Response {
    data: { events: ConsentEvent[]; consent: Omit<ClientConsent, 'pending'> };
  }
}

/** GET /consent/subjects/:documentId/export?format=: a download, not JSON. */
export declare namespace ExportClientHistory {
  interface Request {
    query: { format?: ExportFormat };
  }
}

/** GET /consent/subjects/:documentId/receipt: the receipt, and its JWS when a signing key is configured. */
export declare namespace GetClientReceipt {
  interface Params {
    documentId: string;
  }
  interface Request {
    query: { format?: ReceiptFormat };
  }
  interface Response {
    data: { receipt: Record<string, unknown>; jws?: string | null };
  }
}
