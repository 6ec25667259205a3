import type { CampaignStatus, ClientState, RequestChannel, RequestStatus } from './enums';

/** A consent request (or information mail) in the send queue. */
export interface ConsentRequest {
  id: number;
  documentId: string;
  subject: string;
  /** The client's name (GET /consent/requests only), null when the client has none or is gone. */
  subjectName?: string | null;
  kind: 'consent' | 'information';
  /**
   * The purposes it asks, exactly (null: every consent purpose with a published text). A
   * campaign's request names the ones left to ask its client (docs/requests.md).
   */
  purposeKeys: string[] | null;
  status: RequestStatus;
  channel: RequestChannel | null;
  /** Why it failed or was cancelled; for a queued request, the last attempt's error. */
  reason: string | null;
  /** Send attempts so far, and when the next one is due (queued requests). */
  attempts: number;
  nextAttemptAt: string | null;
  /** A confirmation of decisions held from a public booking: `booking:<uid>:<documentId>`; null otherwise. */
  origin: string | null;
  sentAt: string | null;
  expiresAt: string | null;
  answeredAt: string | null;
  requestedByName: string | null;
  campaign: string | null;
  createdAt: string;
}

export interface Campaign {
  documentId: string;
  name: string;
  status: CampaignStatus;
  /** The clients asked: those of the audience with something left to ask. */
  total: number;
  counts: Partial<Record<RequestStatus, number>>;
  /** The purposes the campaign may ask about (null: every consent purpose with a published text). */
  purposeKeys?: string[] | null;
  /** Refused and withdrawn purposes were asked again although their text had not changed substantively. */
  askAgainRefused?: boolean | null;
  createdAt?: string;
  startedByName?: string | null;
}

/** GET /consent/requests: newest first; pass `meta.next` as `before` for the next page. */
export declare namespace GetRequests {
  interface Request {
    query: {
      status?: RequestStatus;
      campaign?: string;
      subject?: string;
      before?: number;
      limit?: number;
    };
  }
  interface Response {
    data: ConsentRequest[];
    meta: { next: number | null };
  }
}

/** GET /consent/subjects/:documentId/requests: newest first; pass `meta.next` as `before` for the next page. */
export declare namespace GetClientRequests {
  interface Params {
    documentId: string;
  }
  interface Request {
    query: { before?: number; limit?: number };
  }
  interface Response {
    data: ConsentRequest[];
    meta: { next: number | null };
  }
}

/** POST /consent/subjects/:documentId/requests: every consent purpose with a published text when `purposes` is left out. */
export declare namespace CreateClientRequest {
  interface Params {
    documentId: string;
  }
  interface Request {
    body: { purposes?: string[] };
  }
  interface Response {
    data: ConsentRequest;
  }
}

/** POST /consent/requests/:documentId/cancel and /resend */
export declare namespace ChangeRequest {
  interface Params {
    documentId: string;
    action: 'cancel' | 'resend';
  }
  interface Response {
    data: ConsentRequest;
  }
}

/** Who a campaign asks: the clients without valid consent, named clients, or a clients-list filter. */
export type CampaignAudience =
  | { consent: 'invalid' }
  | { subjects: string[] }
  | { state: ClientState; q?: string };

/** GET /consent/campaigns */
export declare namespace GetCampaigns {
  interface Response {
    data: Campaign[];
  }
}

/**
 * POST /consent/campaigns. Each client of the audience is asked only for the purposes
 * (of `purposes`, or every consent purpose with a published text) that are missing,
 * expired, revoked or not validly given; a refused or withdrawn purpose only after a
 * substantive new version, or with `askAgainRefused: true`. A client with nothing left
 * to ask gets no request and is not counted in `total`.
 */
export declare namespace CreateCampaign {
  interface Request {
    body: {
      name: string;
      audience: CampaignAudience;
      purposes?: string[];
      askAgainRefused?: boolean;
      reminder?: boolean;
    };
  }
  interface Response {
    data: Campaign;
  }
}

/** POST /consent/campaigns/:documentId/pause, /resume, /cancel */
export declare namespace ChangeCampaign {
  interface Params {
    documentId: string;
    action: 'pause' | 'resume' | 'cancel';
  }
  interface Response {
    data: Campaign;
  }
}
