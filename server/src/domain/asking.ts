/**
 * What a campaign asks a client about one purpose: pure, no Strapi, no database. The
 * campaign's INSERT ... SELECT (requests/queries/campaigns.ts askedPurposesQuery) says the
 * same in SQL for a whole audience; the sender applies this to the few decisions a client
 * made between the queueing and the send (docs/requests.md, "What a campaign asks").
 */
import type { Decision } from '../contracts';

/** The client's decision in force for the purpose (its consent state row). */
export interface StateToAsk {
  decision: Decision;
  /** The major version the decision is about (for a withdrawal: of the consent withdrawn). */
  textMajor: number | null;
  explicit: boolean;
  decidedAt: number;
}

export interface PurposeToAsk {
  currentMajor: number | null;
  specialCategory: boolean;
  /** When the current major version came out (its first release), epoch ms. */
  currentMajorReleasedAt: number | null;
}

/**
 * Whether a campaign asks about the purpose: with no decision, an expired request, a
 * revoked consent (annulled by staff: not the client's own), a consent that is not valid
 * (an older major, or without the explicit tick a special category needs); a refusal or
 * withdrawal only when it is about an older major than the current one and that major
 * came out after it, or when staff ask again on purpose (`askAgainRefused`).
 */
export const isLeftToAsk = (
  purpose: PurposeToAsk,
  state: StateToAsk | null,
  askAgainRefused: boolean
): boolean => {
  if (state === null) return true;
  switch (state.decision) {
    case 'expired':
    case 'revoked':
      return true;
    case 'given':
      return (
        state.textMajor === null ||
        state.textMajor !== purpose.currentMajor ||
        (purpose.specialCategory && !state.explicit)
      );
    case 'refused':
    case 'withdrawn':
      return (
        askAgainRefused ||
        ((state.textMajor === null ||
          (purpose.currentMajor !== null && state.textMajor < purpose.currentMajor)) &&
          purpose.currentMajorReleasedAt !== null &&
          purpose.currentMajorReleasedAt > state.decidedAt)
      );
  }
};
