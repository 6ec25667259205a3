import type { AuditAction, ImportMatch } from './enums';

/**
 * What an erasure touched (a dry run: would touch), flat: client, events (redacted),
 * requests, requestsCancelled, tokens, and per related uid (api::booking.booking) its documents.
 */
export type ErasureCounts = Record<string, number>;

/** What happens to the documents of a related type (dataSubject.related[].onErase). */
export interface RelatedOutcome {
  uid: string;
  onErase: 'keep' | 'anonymise' | 'delete';
  documents: number;
}

/** A client's erasure record (no personal data: the identifiers only as keyed digests). */
export interface ErasureRecord {
  id: number;
  documentId: string;
  subject: string;
  reason: string;
  origin: 'request' | 'retention';
  retentionRun: string | null;
  counts: ErasureCounts | null;
  erasedAt: string;
  erasedByName: string | null;
}

/** A dry run answers the counts; a real erasure answers its record (the record's fields, or under `erasure`). */
export interface ErasureResult extends Partial<Omit<ErasureRecord, 'counts'>> {
  dryRun: boolean;
  subject: string;
  counts: ErasureCounts | null;
  related?: RelatedOutcome[];
  erasure?: ErasureRecord;
}

/** POST /consent/subjects/:documentId/erase */
export declare namespace EraseClient {
  interface Params {
    documentId: string;
  }
  interface Request {
    body: { reason: string; dryRun?: boolean };
  }
  interface Response {
    data: ErasureResult;
  }
}

/** GET /consent/subjects/:documentId/erasure: 404 for a client that was not erased. */
export declare namespace GetClientErasure {
  interface Params {
    documentId: string;
  }
  interface Response {
    data: ErasureRecord;
  }
}

export interface RetentionClient {
  documentId: string;
  name?: string | null;
  /** The newest of: created, last consent decision, last related record (booking). */
  lastActivityAt: string | null;
}

export interface RetentionPreview {
  inactiveMonths: number;
  cutoff: string;
  total: number;
  clients: RetentionClient[];
  next: string | null;
}

export type RetentionRunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface RetentionRun {
  id: number;
  documentId: string;
  status: RetentionRunStatus;
  inactiveMonths: number;
  cutoff: string;
  reason: string;
  total: number;
  erased: number;
  failed: number;
  lastError?: string | null;
  createdByName: string | null;
  createdAt: string;
  startedAt?: string | null;
  finishedAt: string | null;
}

/** POST /consent/retention/preview: the configured retention.inactiveMonths when omitted. */
export declare namespace PreviewRetention {
  interface Request {
    body: { inactiveMonths?: number; limit?: number };
  }
  interface Response {
    data: RetentionPreview;
  }
}

/** GET /consent/retention/runs */
export declare namespace GetRetentionRuns {
  interface Response {
    data: RetentionRun[];
  }
}

/** GET /consent/retention/runs/:documentId */
export declare namespace GetRetentionRun {
  interface Params {
    documentId: string;
  }
  interface Response {
    data: RetentionRun;
  }
}

/** POST /consent/retention/runs: the admin confirms the total they previewed. */
export declare namespace CreateRetentionRun {
  interface Request {
    body: { inactiveMonths?: number; expectedTotal: number; reason: string };
  }
  interface Response {
    data: RetentionRun;
  }
}

/** POST /consent/retention/runs/:documentId/cancel */
export declare namespace CancelRetentionRun {
  interface Params {
    documentId: string;
  }
  interface Response {
    data: RetentionRun;
  }
}

export interface ImportLine {
  line: number;
  ok: boolean;
  errors: string[];
  [key: string]: unknown;
}

export interface ImportReport {
  dryRun: boolean;
  total: number;
  valid: number;
  invalid: number;
  imported: number;
  lines: ImportLine[];
}

/** POST /consent/imports: a refused import answers 400 with the report in `error.details`. */
export declare namespace ImportConsents {
  interface Request {
    body: { csv: string; dryRun?: boolean; source?: string; match?: ImportMatch };
  }
  interface Response {
    data: ImportReport;
  }
}

/** The first link the verifier found broken: which chain (client), row or checkpoint, and why. */
export interface BrokenLink {
  kind: string;
  subject?: string;
  eventId?: number;
  chainSeq?: number;
  checkpoint?: number;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  events: number;
  subjects: number;
  checkpoints: number;
  firstBroken: BrokenLink | null;
  durationMs: number;
}

/** A sealed checkpoint: the Merkle root over every chain head at that moment, chained to the previous one. */
export interface Checkpoint {
  id: number;
  seq: number;
  sealedAt: string;
  leafCount: number;
  root: string;
  previousHash: string;
  hash: string;
}

/** GET /consent/proof/verify */
export declare namespace VerifyProof {
  interface Response {
    data: VerifyResult;
  }
}

/** GET /consent/proof/checkpoints: newest first. */
export declare namespace GetCheckpoints {
  interface Response {
    data: Checkpoint[];
    meta: { next: number | null };
  }
}

/** POST /consent/proof/checkpoints: null when nothing changed since the last checkpoint. */
export declare namespace SealCheckpoint {
  interface Response {
    data: Checkpoint | null;
    meta: { sealed: boolean };
  }
}

export interface AuditEntry {
  id: number;
  action: AuditAction;
  actorName: string | null;
  subject: string | null;
  outcome: string;
  details: Record<string, unknown> | null;
  occurredAt: string;
}

/** GET /consent/audit: newest first; pass `next` as `before` for the next page. */
export declare namespace GetAudit {
  interface Request {
    query: { subject?: string; action?: AuditAction; before?: number; limit?: number };
  }
  interface Response {
    data: { entries: AuditEntry[]; next: number | null };
  }
}
