import type { PurposeStatus } from '../domain/state-machine';
import type { CurrentText } from '../texts';

/** An open consent request, as its page shows it. */
export interface RequestPageView {
  locale: string;
  organisation: string;
  expiresAt: Date;
  /** Consent-based purposes to approve or decline, with the current text. */
  asked: CurrentText[];
  /** Purposes on another legal basis: shown, nothing to decide. */
  info: CurrentText[];
  /** Link to the preference page (relative to the request page). */
  manageHref: string;
  /** A confirmation of choices made on a public booking page (pre-chosen, to confirm). */
  confirming?: boolean;
}

export interface Answer {
  decision?: 'given' | 'refused';
  explicit: boolean;
}

/** What the client sent, and why it was not recorded (a re-rendered form). */
export interface RequestFormState {
  answers: Record<string, Answer>;
  errors: { purpose: string; field: 'decision' | 'explicit' }[];
  /** Purposes whose text got a new major version since the page was shown. */
  stale: string[];
}

export interface PreferenceItem {
  key: string;
  title: string;
  text: string | null;
  textLocale: string | null;
  status: PurposeStatus;
  decision: { version: string | null; decidedAt: Date } | null;
  /** The client's decision in force is "given" (valid or for an older version). */
  canWithdraw: boolean;
  /**
   * The client can give consent here (not valid now, and a current text is shown): the
   * version shown, and whether the purpose needs the explicit tick (special category).
   */
  give: { version: string; explicit: boolean } | null;
}

export type Confirmation =
  | { kind: 'approved' | 'declined' | 'unsubscribed' }
  | { kind: 'withdrawn' | 'given'; title: string }
  /** A Give that could not be recorded: the explicit tick missing, or the text changed since. */
  | { kind: 'explicitMissing' | 'textChanged'; title: string }
  | { kind: 'unknownPurpose' };

export interface PreferencePageView {
  locale: string;
  organisation: string;
  items: PreferenceItem[];
  /** Link to the request page while the request can still be answered. */
  respondHref: string | null;
  confirmation: Confirmation | null;
}

export interface UnsubscribePageView {
  locale: string;
  organisation: string;
  /** Titles of the marketing purposes. */
  purposes: string[];
  manageHref: string;
  state: 'confirm' | 'done' | 'invalid';
}
