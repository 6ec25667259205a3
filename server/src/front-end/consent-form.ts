/**
 * The consent helper for booking front-ends: fetch the current consent texts,
 * render them as accessible consent boxes, build the booking's `consent` from
 * what the client ticked, check it before sending, and create the booking
 * (asking again when an editor published a new version meanwhile: 409).
 *
 * Dependency-free and DOM-only where it must be, so it runs as a plain ES module in
 * browsers (the plugin serves it at /api/consent/consent-form.js) and in Node 20
 * (`import ... from 'strapi-plugin-consent/consent-form'`; the pure parts need no DOM).
 * One file on purpose: the browser loads it as a single module, without a bundler.
 * Text from the API only ever reaches the page as DOM text nodes, never as HTML.
 */

// ---------------------------------------------------------------------------
// Shapes of the HTTP contract (GET /api/consent/texts, POST /api/<bookings>)
// ---------------------------------------------------------------------------

/** One purpose with its current text, as `GET /api/consent/texts?locale=` returns it. */
export interface ConsentText {
  purpose: string;
  name: string;
  description?: string | null;
  legalBasis: string;
  /** false: another legal basis (contract, ...): shown for information, nothing to decide. */
  requiresConsent: boolean;
  /** Consent to it decides whether the client has valid consent. */
  required: boolean;
  /** Special category (GDPR Art. 9): needs a separate explicit tick. */
  explicit: boolean;
  specialCategory: boolean;
  marketing?: boolean;
  textId: string;
  /** MAJOR.MINOR of the text shown. */
  version: string;
  locale: string;
  title: string;
  text: string;
  sha256: string;
  releasedAt: string;
}

/** `data.consent` of a booking request. */
export interface BookingConsent {
  locale: string;
  given: string[];
  /** The consent purposes shown and left unticked. */
  refused: string[];
  /** Given special-category purposes whose separate explicit box was ticked too. */
  explicit: string[];
  /** The version shown of every purpose decided (given or refused). */
  versions: Record<string, string>;
}

/** What the client ticked: purpose keys of the consent boxes and of the explicit boxes. */
export interface ConsentChoices {
  given: readonly string[];
  explicit: readonly string[];
}

export interface Contact {
  name: string;
  email?: string;
  phone?: string;
  language?: string;
}

/** Strapi's error body: `{ data: null, error: { status, name, message, details } }`. */
export interface StrapiError {
  status: number;
  name: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A reason not to send the booking yet, on one purpose. */
export interface ConsentProblem {
  purpose: string;
  /** Which box needs a tick: the consent box (`required`, `consent`) or the explicit one (`explicit`). */
  kind: 'required' | 'explicit' | 'consent';
  message: string;
}

export type SubmitResult<Booking = Record<string, unknown>> =
  /** 201: the booking and the consent decisions are stored. */
  | { status: 'booked'; booking: Booking }
  /** Checked here, nothing sent: a required purpose not ticked, an explicit tick missing. */
  | { status: 'invalid'; problems: ConsentProblem[]; message: string }
  /** 409: a text changed since it was shown; the boxes now show the new texts: ask again. */
  | { status: 'stale'; changed: string[]; message: string }
  /** 400: the server's ValidationError (message and details as sent). */
  | { status: 'rejected'; error: StrapiError; message: string }
  /** 429: too many requests from this address; try again after `retryAfterSeconds`. */
  | { status: 'rate-limited'; retryAfterSeconds: number | null; message: string }
  /** Anything else: another status (`httpStatus`), or 0 when the network failed. */
  | { status: 'failed'; httpStatus: number; error: StrapiError | null; message: string };

// ---------------------------------------------------------------------------
// UI strings (the texts themselves come from the API, in the locale asked)
// ---------------------------------------------------------------------------

export type UiLocale = 'en' | 'da' | 'sv';

/** The few strings the helper writes itself (the consent texts come from the API). */
export interface UiStrings {
  legend: string;
  intro: string;
  required: string;
  optional: string;
  consent: string;
  explicit: string;
  information: string;
  legalBasis: string;
  version: string;
  changed: string;
  requiredMissing: (title: string) => string;
  explicitMissing: (title: string) => string;
  consentMissing: (title: string) => string;
  stale: string;
  rateLimited: string;
  failed: string;
  /** Names of the GDPR Art. 6 legal bases, by the API's key. */
  bases: Record<string, string>;
}

const STRINGS: Record<UiLocale, UiStrings> = {
  en: {
    legend: 'Your consent',
    intro: 'Please read each text and choose. Boxes marked required are needed to book.',
    required: 'Required',
    optional: 'Optional',
    consent: 'I consent',
    explicit: 'I explicitly consent to the processing of this special category of personal data',
    information: 'For your information',
    legalBasis: 'Legal basis',
    version: 'Version',
    changed: 'This text has changed since you opened the page. Please read it and choose again.',
    requiredMissing: (title: string) =>
      `"${title}" is required to book: tick "I consent", or contact us.`,
    explicitMissing: (title: string) =>
      `"${title}" needs your explicit consent: tick the second box as well, or untick the first one.`,
    consentMissing: (title: string) =>
      `You ticked the explicit consent for "${title}" but not "I consent": tick both boxes, or neither.`,
    stale:
      'A consent text changed while you were booking. Please read the new text and choose again.',
    rateLimited: 'Too many attempts. Please wait a moment and try again.',
    failed: 'The booking could not be sent. Please try again.',
    bases: {
      consent: 'Consent',
      contract: 'Contract',
      legal_obligation: 'Legal obligation',
      vital_interests: 'Vital interests',
      public_task: 'Public task',
      legitimate_interests: 'Legitimate interests',
    },
  },
  da: {
    legend: 'Dit samtykke',
    intro: 'Læs venligst hver tekst og vælg. Felter markeret påkrævet skal udfyldes for at booke.',
    required: 'Påkrævet',
    optional: 'Valgfrit',
    consent: 'Jeg giver samtykke',
    explicit:
      'Jeg giver udtrykkeligt samtykke til behandling af denne særlige kategori af personoplysninger',
    information: 'Til orientering',
    legalBasis: 'Retsgrundlag',
    version: 'Version',
    changed: 'Denne tekst er ændret, siden du åbnede siden. Læs den venligst og vælg igen.',
    requiredMissing: (title: string) =>
      `"${title}" er påkrævet for at booke: sæt kryds i "Jeg giver samtykke", eller kontakt os.`,
    explicitMissing: (title: string) =>
      `"${title}" kræver dit udtrykkelige samtykke: sæt også kryds i det andet felt, eller fjern krydset i det første.`,
    consentMissing: (title: string) =>
      `Du har sat kryds i det udtrykkelige samtykke til "${title}", men ikke i "Jeg giver samtykke": sæt kryds i begge felter eller i ingen af dem.`,
    stale:
      'En samtykketekst blev ændret, mens du bookede. Læs venligst den nye tekst og vælg igen.',
    rateLimited: 'For mange forsøg. Vent venligst et øjeblik, og prøv igen.',
    failed: 'Bookingen kunne ikke sendes. Prøv venligst igen.',
    bases: {
      consent: 'Samtykke',
      contract: 'Aftale',
      legal_obligation: 'Retlig forpligtelse',
      vital_interests: 'Vitale interesser',
      public_task: 'Offentlig myndighedsudøvelse',
      legitimate_interests: 'Legitime interesser',
    },
  },
  sv: {
    legend: 'Ditt samtycke',
    intro: 'Läs varje text och välj. Rutor markerade obligatoriskt krävs för att boka.',
    required: 'Obligatoriskt',
    optional: 'Valfritt',
    consent: 'Jag samtycker',
    explicit:
      'Jag ger mitt uttryckliga samtycke till behandling av denna särskilda kategori av personuppgifter',
    information: 'För kännedom',
    legalBasis: 'Rättslig grund',
    version: 'Version',
    changed: 'Den här texten har ändrats sedan du öppnade sidan. Läs den och välj igen.',
    requiredMissing: (title: string) =>
      `"${title}" krävs för att boka: kryssa i "Jag samtycker", eller kontakta oss.`,
    explicitMissing: (title: string) =>
      `"${title}" kräver ditt uttryckliga samtycke: kryssa i den andra rutan också, eller avmarkera den första.`,
    consentMissing: (title: string) =>
      `Du har kryssat i det uttryckliga samtycket för "${title}" men inte "Jag samtycker": kryssa i båda rutorna eller ingen av dem.`,
    stale: 'En samtyckestext ändrades medan du bokade. Läs den nya texten och välj igen.',
    rateLimited: 'För många försök. Vänta en stund och försök igen.',
    failed: 'Bokningen kunde inte skickas. Försök igen.',
    bases: {
      consent: 'Samtycke',
      contract: 'Avtal',
      legal_obligation: 'Rättslig förpliktelse',
      vital_interests: 'Grundläggande intressen',
      public_task: 'Uppgift av allmänt intresse',
      legitimate_interests: 'Berättigat intresse',
    },
  },
};

/** The UI locale for a text locale: `da-DK` -> `da`; anything unknown -> English. */
export const uiLocaleOf = (locale: string | null | undefined): UiLocale => {
  const base = (locale ?? '').toLowerCase().split('-')[0];
  return base === 'da' || base === 'sv' ? base : 'en';
};

export const uiStrings = (locale: string | null | undefined): UiStrings =>
  STRINGS[uiLocaleOf(locale)];

// ---------------------------------------------------------------------------
// Pure rules: what is sent, and what stops a submit (no DOM, no network)
// ---------------------------------------------------------------------------

/** Purposes the client decides on (consent-based); the others are shown for information. */
export const consentPurposes = (texts: readonly ConsentText[]): ConsentText[] =>
  texts.filter((t) => t.requiresConsent);

/**
 * The booking's `consent` for the texts shown and the boxes ticked: every
 * consent-based purpose shown is either given or refused, with the version shown.
 * An explicit tick only counts on a given special-category purpose; ticks on
 * purposes that were not shown are ignored.
 */
export const buildConsent = (
  texts: readonly ConsentText[],
  choices: ConsentChoices,
  locale: string
): BookingConsent => {
  const ticked = new Set(choices.given);
  const explicitTicked = new Set(choices.explicit);
  const decided = consentPurposes(texts);
  const given = decided.filter((t) => ticked.has(t.purpose));
  return {
    locale,
    given: given.map((t) => t.purpose),
    refused: decided.filter((t) => !ticked.has(t.purpose)).map((t) => t.purpose),
    explicit: given
      .filter((t) => t.explicit && explicitTicked.has(t.purpose))
      .map((t) => t.purpose),
    versions: Object.fromEntries(decided.map((t) => [t.purpose, t.version])),
  };
};

/**
 * What stops a submit: a required purpose not given; a special-category purpose given
 * without its explicit tick (the server would refuse it with a 400 anyway; saying it
 * here is clearer and sends nothing); and an explicit tick without the consent tick,
 * which would otherwise be recorded as a refusal although the client meant to agree.
 */
export const validateConsent = (
  texts: readonly ConsentText[],
  choices: ConsentChoices,
  uiLocale: string = 'en'
): ConsentProblem[] => {
  const strings = uiStrings(uiLocale);
  const ticked = new Set(choices.given);
  const explicitTicked = new Set(choices.explicit);
  const problems: ConsentProblem[] = [];
  for (const text of consentPurposes(texts)) {
    if (text.required && !ticked.has(text.purpose)) {
      problems.push({
        purpose: text.purpose,
        kind: 'required',
        message: strings.requiredMissing(text.title),
      });
    } else if (text.explicit && ticked.has(text.purpose) && !explicitTicked.has(text.purpose)) {
      problems.push({
        purpose: text.purpose,
        kind: 'explicit',
        message: strings.explicitMissing(text.title),
      });
    } else if (text.explicit && !ticked.has(text.purpose) && explicitTicked.has(text.purpose)) {
      problems.push({
        purpose: text.purpose,
        kind: 'consent',
        message: strings.consentMissing(text.title),
      });
    }
  }
  return problems;
};

/** Purposes whose version differs between two fetches (new, or a new version). */
export const changedPurposes = (
  before: readonly ConsentText[],
  after: readonly ConsentText[]
): string[] => {
  const shown = new Map(before.map((t) => [t.purpose, t.version]));
  return after.filter((t) => shown.get(t.purpose) !== t.version).map((t) => t.purpose);
};

// ---------------------------------------------------------------------------
// Rendering (DOM text nodes only)
// ---------------------------------------------------------------------------

export interface RenderOptions {
  /** Locale of the UI strings (default: the locale the texts were asked in). */
  uiLocale?: string;
  /** Purposes to mark "changed since you opened the page" (after a 409). */
  changed?: readonly string[];
  /** Ticks to keep when the boxes are drawn again (the unchanged purposes keep theirs). */
  keep?: ConsentChoices;
}

/** The consent boxes in a container: what was shown, what is ticked, and its messages. */
export interface ConsentBoxes {
  readonly element: HTMLFieldSetElement;
  /** The texts shown now (after a 409: the new ones). */
  readonly texts: readonly ConsentText[];
  /** The locale the texts were asked in (sent as consent.locale). */
  readonly locale: string;
  readonly strings: UiStrings;
  choices(): ConsentChoices;
  /** `data.consent` for what is shown and ticked now. */
  consent(): BookingConsent;
  /** Check the ticks and show any problem next to its purpose; [] when fine. */
  validate(): ConsentProblem[];
  showProblems(problems: readonly ConsentProblem[]): void;
  /** Draw new texts in place (after a 409), keeping the ticks of unchanged purposes. */
  replace(texts: readonly ConsentText[]): string[];
}

let renderCount = 0;

type Doc = Document;

const el = <K extends keyof HTMLElementTagNameMap>(
  doc: Doc,
  tag: K,
  props: { className?: string; id?: string; text?: string } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] => {
  const node = doc.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.id) node.id = props.id;
  if (props.text !== undefined) node.textContent = props.text; // a text node: API text is never parsed as HTML
  for (const child of children) node.appendChild(child);
  return node;
};

const checkbox = (
  doc: Doc,
  id: string,
  name: string,
  value: string,
  label: string,
  describedBy: string
) => {
  const input = el(doc, 'input', { id });
  input.type = 'checkbox';
  input.name = name;
  input.value = value;
  input.setAttribute('aria-describedby', describedBy);
  const labelNode = el(
    doc,
    'label',
    { className: 'consent-check' },
    input,
    doc.createTextNode(` ${label}`)
  );
  labelNode.htmlFor = id;
  return { input, label: labelNode };
};

/** One consent-based purpose: its own group, the text, the tick(s), a place for its problem. */
const purposeGroup = (
  doc: Doc,
  prefix: string,
  text: ConsentText,
  strings: UiStrings,
  changed: boolean
) => {
  const base = `${prefix}-${text.purpose}`;
  const group = el(doc, 'fieldset', { className: 'consent-purpose', id: base });
  group.dataset.purpose = text.purpose;
  group.dataset.version = text.version;
  if (changed) group.classList.add('consent-changed');
  const badge = el(doc, 'span', {
    className: text.required ? 'consent-badge consent-required' : 'consent-badge consent-optional',
    text: text.required ? strings.required : strings.optional,
  });
  group.appendChild(el(doc, 'legend', {}, doc.createTextNode(`${text.title} `), badge));
  const describedBy = [`${base}-text`, `${base}-problem`];
  if (changed) {
    group.appendChild(
      el(doc, 'p', {
        className: 'consent-changed-note',
        id: `${base}-changed`,
        text: strings.changed,
      })
    );
    describedBy.unshift(`${base}-changed`);
  }
  group.appendChild(
    el(doc, 'p', { className: 'consent-text', id: `${base}-text`, text: text.text })
  );
  group.appendChild(
    el(doc, 'p', { className: 'consent-meta', text: `${strings.version} ${text.version}` })
  );
  const main = checkbox(
    doc,
    `${base}-given`,
    'consent',
    text.purpose,
    strings.consent,
    describedBy.join(' ')
  );
  if (text.required) main.input.setAttribute('aria-required', 'true');
  group.appendChild(main.label);
  const explicit = text.explicit
    ? checkbox(
        doc,
        `${base}-explicit`,
        'consent-explicit',
        text.purpose,
        strings.explicit,
        describedBy.join(' ')
      )
    : null;
  if (explicit) group.appendChild(explicit.label);
  const problem = el(doc, 'p', { className: 'consent-problem', id: `${base}-problem` });
  problem.hidden = true;
  group.appendChild(problem);
  return { group, main: main.input, explicit: explicit?.input ?? null, problem };
};

/** A purpose on another legal basis: its text, for information, nothing to tick. */
const informationItem = (doc: Doc, text: ConsentText, strings: UiStrings) => {
  const basis = strings.bases[text.legalBasis] ?? text.legalBasis;
  const item = el(
    doc,
    'div',
    { className: 'consent-information-item' },
    el(doc, 'h3', { className: 'consent-information-title', text: text.title }),
    el(doc, 'p', { className: 'consent-text', text: text.text }),
    el(doc, 'p', {
      className: 'consent-meta',
      text: `${strings.legalBasis}: ${basis} · ${strings.version} ${text.version}`,
    })
  );
  item.dataset.purpose = text.purpose;
  return item;
};

/**
 * Render the consent boxes into `container` (its content is replaced): a fieldset
 * with one group per consent-based purpose (required or optional, a second
 * explicit tick for special categories) and the other purposes for information.
 */
export const renderConsent = (
  container: HTMLElement,
  texts: readonly ConsentText[],
  locale: string,
  options: RenderOptions = {}
): ConsentBoxes => {
  const doc = container.ownerDocument;
  const ui = uiLocaleOf(options.uiLocale ?? locale);
  const strings = STRINGS[ui];
  const prefix = `consent-${++renderCount}`;
  const root = el(doc, 'fieldset', { className: 'consent-form', id: prefix });
  let shown: readonly ConsentText[] = [];
  let inputs = new Map<string, ReturnType<typeof purposeGroup>>();
  const summary = el(doc, 'div', { className: 'consent-summary', id: `${prefix}-summary` });
  summary.setAttribute('role', 'alert');
  summary.hidden = true;

  const draw = (
    next: readonly ConsentText[],
    changed: readonly string[],
    keep: ConsentChoices | undefined
  ) => {
    shown = [...next];
    inputs = new Map();
    root.replaceChildren(
      el(doc, 'legend', { text: strings.legend }),
      el(doc, 'p', { className: 'consent-intro', text: strings.intro })
    );
    const keptGiven = new Set(keep?.given ?? []);
    const keptExplicit = new Set(keep?.explicit ?? []);
    for (const text of consentPurposes(shown)) {
      const isChanged = changed.includes(text.purpose);
      const parts = purposeGroup(doc, prefix, text, strings, isChanged);
      // A changed text is asked again from scratch; an unchanged one keeps its answer.
      if (!isChanged) {
        parts.main.checked = keptGiven.has(text.purpose);
        if (parts.explicit) parts.explicit.checked = keptExplicit.has(text.purpose);
      }
      inputs.set(text.purpose, parts);
      root.appendChild(parts.group);
    }
    const information = shown.filter((t) => !t.requiresConsent);
    if (information.length) {
      root.appendChild(
        el(
          doc,
          'section',
          { className: 'consent-information' },
          el(doc, 'h3', { className: 'consent-information-heading', text: strings.information }),
          ...information.map((t) => informationItem(doc, t, strings))
        )
      );
    }
    summary.hidden = true;
    summary.replaceChildren();
    root.appendChild(summary);
  };

  const boxes: ConsentBoxes = {
    element: root,
    get texts() {
      return shown;
    },
    locale,
    strings,
    choices() {
      const ticked = (pick: 'main' | 'explicit') =>
        [...inputs]
          .filter(([, parts]) => parts[pick]?.checked === true)
          .map(([purpose]) => purpose);
      return { given: ticked('main'), explicit: ticked('explicit') };
    },
    consent() {
      return buildConsent(shown, this.choices(), locale);
    },
    validate() {
      const problems = validateConsent(shown, this.choices(), ui);
      this.showProblems(problems);
      return problems;
    },
    showProblems(problems) {
      for (const [purpose, parts] of inputs) {
        const problem = problems.find((p) => p.purpose === purpose);
        parts.problem.textContent = problem?.message ?? '';
        parts.problem.hidden = !problem;
        parts.main.toggleAttribute('aria-invalid', Boolean(problem && problem.kind !== 'explicit'));
        parts.explicit?.toggleAttribute(
          'aria-invalid',
          Boolean(problem && problem.kind === 'explicit')
        );
      }
      summary.replaceChildren(...problems.map((p) => el(doc, 'p', { text: p.message })));
      summary.hidden = problems.length === 0;
      const first = problems[0] && inputs.get(problems[0].purpose);
      if (first)
        (first.explicit && problems[0].kind === 'explicit' ? first.explicit : first.main).focus();
    },
    replace(next) {
      const keep = this.choices();
      const changed = changedPurposes(shown, next);
      draw(next, changed, keep);
      return changed;
    },
  };

  draw(texts, options.changed ?? [], options.keep);
  container.replaceChildren(root);
  return boxes;
};

// ---------------------------------------------------------------------------
// HTTP: plain fetch or an @strapi/client instance
// ---------------------------------------------------------------------------

/**
 * The part of an `@strapi/client` instance used here: `client.fetch(path, init)`
 * relative to its baseURL (which ends in /api). It throws an HTTPError carrying
 * `response` on any non-2xx answer; those responses are read like any other.
 */
export interface StrapiClientLike {
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export type ConsentFormOptions = {
  /** Path of the booking collection under /api (default "bookings"). */
  bookingsPath?: string;
  /** Extra headers for every request (e.g. an Authorization header of a trusted server). */
  headers?: Record<string, string>;
} & (
  | {
      /** The content API's base, e.g. "http://localhost:1337/api", or "/api" on the same origin in a browser. */
      baseURL: string;
      /** Default: globalThis.fetch. */
      fetch?: typeof globalThis.fetch;
      client?: undefined;
    }
  | { client: StrapiClientLike; baseURL?: undefined; fetch?: undefined }
);

export interface BookingInput {
  /** The booking's own fields, e.g. { startsAt, service }. */
  data: Record<string, unknown>;
  contact: Contact;
}

export interface ConsentForm {
  /** The current texts for a locale (GET /api/consent/texts?locale=). */
  fetchTexts(locale: string): Promise<ConsentText[]>;
  /** Fetch the texts for `locale` and render them into `container`. */
  mount(container: HTMLElement, locale: string, options?: RenderOptions): Promise<ConsentBoxes>;
  /**
   * Check the boxes, then POST the booking with the contact and the consent. On a 409
   * the texts are fetched again and the boxes redrawn (status "stale": ask again).
   */
  submitBooking<Booking = Record<string, unknown>>(
    boxes: ConsentBoxes,
    input: BookingInput
  ): Promise<SubmitResult<Booking>>;
}

interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  body: { data?: unknown; error?: StrapiError } | null;
}

const isResponseLike = (value: unknown): value is Response =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Response).status === 'number' &&
  typeof (value as Response).json === 'function';

const createTransport = (options: ConsentFormOptions) => {
  const headers = options.headers ?? {};
  const send = async (path: string, init: RequestInit): Promise<Response> => {
    if (options.client) {
      try {
        return await options.client.fetch(path, init);
      } catch (error) {
        // @strapi/client turns every non-2xx answer into a thrown HTTPError; its response is the answer.
        const response = (error as { response?: unknown } | null)?.response;
        if (isResponseLike(response)) return response;
        throw error;
      }
    }
    const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
    return fetchFn(`${options.baseURL.replace(/\/+$/, '')}${path}`, init);
  };
  return async (path: string, init: RequestInit = {}): Promise<Answer> => {
    const response = await send(path, {
      ...init,
      headers: {
        Accept: 'application/json',
        ...headers,
        ...(init.headers as Record<string, string> | undefined),
      },
    });
    const body = (await response.json().catch(() => null)) as Answer['body'];
    return { status: response.status, headers: response.headers, body };
  };
};

const retryAfter = (answer: Answer): number | null => {
  const header = Number(answer.headers.get('Retry-After'));
  if (Number.isFinite(header) && header > 0) return header;
  const detail = answer.body?.error?.details?.retryAfterSeconds;
  return typeof detail === 'number' ? detail : null;
};

export const createConsentForm = (options: ConsentFormOptions): ConsentForm => {
  const request = createTransport(options);
  const bookingsPath = (options.bookingsPath ?? 'bookings').replace(/^\/+|\/+$/g, '');

  const fetchTexts = async (locale: string): Promise<ConsentText[]> => {
    const answer = await request(`/consent/texts?locale=${encodeURIComponent(locale)}`);
    if (answer.status !== 200 || !Array.isArray(answer.body?.data)) {
      throw new Error(
        `consent texts: HTTP ${answer.status}${answer.body?.error ? `: ${answer.body.error.message}` : ''}`
      );
    }
    return answer.body.data as ConsentText[];
  };

  return {
    fetchTexts,
    async mount(container, locale, renderOptions) {
      return renderConsent(container, await fetchTexts(locale), locale, renderOptions);
    },
    async submitBooking<Booking>(
      boxes: ConsentBoxes,
      input: BookingInput
    ): Promise<SubmitResult<Booking>> {
      const strings = boxes.strings;
      const problems = boxes.validate();
      if (problems.length)
        return { status: 'invalid', problems, message: problems.map((p) => p.message).join(' ') };

      let answer: Answer;
      try {
        answer = await request(`/${bookingsPath}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            data: { ...input.data, contact: input.contact, consent: boxes.consent() },
          }),
        });
      } catch {
        return { status: 'failed', httpStatus: 0, error: null, message: strings.failed };
      }
      const error = answer.body?.error ?? null;
      if (answer.status === 201 || answer.status === 200)
        return { status: 'booked', booking: answer.body?.data as Booking };
      if (answer.status === 409 && error?.name === 'StaleVersionError') {
        // Someone published a substantive version after the texts were fetched: show the new text, ask again.
        let texts: ConsentText[];
        try {
          texts = await fetchTexts(boxes.locale);
        } catch {
          return { status: 'failed', httpStatus: 409, error, message: strings.failed };
        }
        return { status: 'stale', changed: boxes.replace(texts), message: strings.stale };
      }
      if (answer.status === 400 && error)
        return { status: 'rejected', error, message: error.message };
      if (answer.status === 429)
        return {
          status: 'rate-limited',
          retryAfterSeconds: retryAfter(answer),
          message: strings.rateLimited,
        };
      return {
        status: 'failed',
        httpStatus: answer.status,
        error,
        message: error?.message ?? strings.failed,
      };
    },
  };
};
