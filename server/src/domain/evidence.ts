/**
 * What of a consent event is personal data. The event's chain hash covers a keyed
 * digest of these fields (`evidence_digest`), never the fields themselves, so
 * erasure can set them to null (and stamp `redacted_at`) while the chain still
 * verifies: for a redacted event the verifier takes the stored digest, for any
 * other it recomputes the digest from the fields and compares.
 *
 * `actorName` is the client's own name only when `actorType` is 'subject'; an
 * admin's name is staff data and survives a client's erasure.
 */
export const PERSONAL_EVENT_FIELDS = ['ip', 'userAgent', 'note', 'actorName'] as const;
export type PersonalEventField = (typeof PERSONAL_EVENT_FIELDS)[number];

/** The same fields as database columns (what erasure sets to null). */
export const PERSONAL_EVENT_COLUMNS = ['ip', 'user_agent', 'note', 'actor_name'] as const;
