import type { LegalBasis } from '../../constants';
import type { PurposeStatus } from '../../domain/state-machine';

/**
 * Every word the public consent pages show, for one locale. Texts with values are
 * functions so a translation can place the value where its grammar wants it; the
 * values are escaped by the renderer, never here.
 */
export interface PageStrings {
  /** Dates as the client reads them, e.g. "3 May 2026". */
  date: (date: Date) => string;
  /** Said before a page title when the form has errors, so screen readers hear it first. */
  errorTitlePrefix: string;
  neutral: { title: string; body: string; help: string };
  tooManyRequests: { title: string; body: string };
  /** The database did not store an answer (a failed COMMIT): nothing was saved, send it again. */
  notSaved: { title: string; body: string };
  legalBasis: Record<LegalBasis, string>;
  request: {
    title: (organisation: string) => string;
    intro: string;
    /** A confirmation of the choices made on a booking page: they are pre-chosen. */
    confirmIntro: string;
    openUntil: (date: string) => string;
    version: (version: string) => string;
    legalBasisLabel: string;
    approve: string;
    decline: string;
    explicit: (title: string) => string;
    explicitHint: string;
    infoHeading: string;
    infoIntro: string;
    submit: string;
    withdrawAnyTime: string;
    manageLink: string;
    errorSummary: string;
    errorChoose: (title: string) => string;
    errorExplicit: (title: string) => string;
    staleNotice: string;
    staleItem: (title: string) => string;
  };
  preferences: {
    title: (organisation: string) => string;
    intro: string;
    approved: string;
    declined: string;
    withdrawn: (title: string) => string;
    unsubscribed: string;
    status: Record<PurposeStatus, string>;
    decided: (version: string, date: string) => string;
    withdraw: string;
    give: string;
    given: (title: string) => string;
    explicitMissing: (title: string) => string;
    textChanged: (title: string) => string;
    readText: string;
    openRequest: string;
    answerRequest: string;
    nothing: string;
    unknownPurpose: string;
  };
  unsubscribe: {
    title: (organisation: string) => string;
    intro: string;
    purposesLabel: string;
    button: string;
    doneTitle: string;
    doneBody: string;
    invalid: string;
    manageLink: string;
  };
}
