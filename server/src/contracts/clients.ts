import type { ConsentSource } from './settings';
import type { DsrCounts } from './dsr';
import type { ClientState, ClientStatus, RequestChannel, RequestStatus } from './enums';
import type { Campaign } from './requests';

/** The newest consent request of a client, as the clients list shows it. */
export interface LastRequest {
  /** A RequestStatus, read by the list's SQL and passed on unchecked. */
  status: RequestStatus | (string & {});
  channel: RequestChannel | (string & {}) | null;
  sentAt: string | null;
  createdAt: string;
}

export interface ClientRow {
  documentId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  status: ClientStatus;
  valid: boolean;
  lastDecisionAt: string | null;
  lastRequest: LastRequest | null;
}

/** GET /consent/clients: keyset-paged; pass `meta.next` as `cursor` for the next page. */
export declare namespace GetClients {
  interface Request {
    query: { state?: ClientState; q?: string; cursor?: string; limit?: number };
  }
  interface Response {
    data: ClientRow[];
    meta: { next: string | null };
  }
}

export interface ClientStatusEntry {
  status: ClientStatus;
  valid: boolean;
}

/** GET /consent/subjects/statuses?documentIds=a,b,c (at most 100). */
export declare namespace GetClientStatuses {
  interface Request {
    query: { documentIds: string };
  }
  interface Response {
    data: Record<string, ClientStatusEntry>;
  }
}

export interface TrendPoint {
  date: string;
  given: number;
  withdrawn: number;
}

/** GET /consent/overview?days=30 */
export declare namespace GetOverview {
  interface Request {
    query: { days?: number };
  }
  interface Response {
    data: {
      counts: Record<'total' | 'valid' | 'invalid' | ClientStatus, number>;
      trend: TrendPoint[];
      campaigns: Campaign[];
      /** The register of data-subject requests: open, due within 7 days, overdue. */
      dsr: DsrCounts;
    };
  }
}

export type BookingRequirement = 'none' | 'warn' | 'block';

/** What the admin panel needs of the host configuration. */
export interface HostConfig {
  subject: { uid: string; name?: string; email?: string; phone?: string; language?: string | null };
  bookings: { uid: string; subject: string; requirement: BookingRequirement }[];
  locales: string[];
  defaultLocale: string;
  hasPublishedText?: boolean;
  /** The collection points of Settings, in order (read without the settings permission: staff pick one). */
  sources?: ConsentSource[];
}

/** GET /consent/config */
export declare namespace GetHostConfig {
  interface Response {
    data: HostConfig;
  }
}

/** A booking's consent mark: `valid: false` when its client lacked valid consent when it was stored. */
export interface BookingCheck {
  valid: boolean;
  subject?: string | null;
  missing?: { purpose: string; status: string }[] | null;
  checkedAt?: string | null;
}

/** GET /consent/bookings/:uid/:documentId/check: null for no such booking (or requirement `none`). */
export declare namespace GetBookingCheck {
  interface Params {
    uid: string;
    documentId: string;
  }
  interface Response {
    data: BookingCheck | null;
  }
}

/**
 * GET /consent/bookings/:uid/checks?documentIds=a,b,c: the consent marks of a page of
 * bookings (the Content Manager list's consent column), by booking document id. A booking
 * without a stored mark counts as booked with valid consent.
 */
export declare namespace GetBookingChecks {
  interface Params {
    uid: string;
  }
  interface Request {
    query: { documentIds: string };
  }
  interface Response {
    data: Record<string, BookingCheck>;
  }
}
