// @ts-check
/**
 * The demo booking page: contact details, time and service, the consent boxes
 * of the plugin's front-end helper, and one POST /api/bookings. What the page
 * shows for each answer: booked (201), the server's message (400), the new text
 * asked again (409), wait and retry (429). See docs/front-end.md.
 */
import { createConsentForm } from '/api/consent/consent-form.js';

const LANGUAGES = ['da', 'sv', 'en'];

const STRINGS = {
  en: {
    title: 'Book an appointment',
    lead: 'Choose a time and a treatment. We confirm your booking by email or SMS.',
    details: 'Your booking',
    name: 'Name',
    email: 'Email',
    phone: 'Phone',
    contactHint: 'Give an email address or a phone number (or both).',
    startsAt: 'Date and time',
    service: 'Treatment',
    haircut: 'Haircut',
    colour: 'Colour',
    facial: 'Facial',
    manicure: 'Manicure',
    loading: 'Loading the consent texts…',
    loadFailed: 'The consent texts could not be loaded. Please reload the page.',
    submit: 'Book',
    sending: 'Sending…',
    checkFields:
      'Please fill in your name, a date and time, and an email address or a phone number.',
    booked: 'Booking received. Thank you!',
    bookedAt: (when, service) => `${service}, ${when}.`,
    rejected: 'The booking was not accepted:',
    retryIn: (seconds) => ` Try again in ${seconds} seconds.`,
  },
  da: {
    title: 'Book en tid',
    lead: 'Vælg en tid og en behandling. Vi bekræfter din booking på e-mail eller sms.',
    details: 'Din booking',
    name: 'Navn',
    email: 'E-mail',
    phone: 'Telefon',
    contactHint: 'Angiv en e-mailadresse eller et telefonnummer (eller begge).',
    startsAt: 'Dato og tid',
    service: 'Behandling',
    haircut: 'Klipning',
    colour: 'Farvning',
    facial: 'Ansigtsbehandling',
    manicure: 'Manicure',
    loading: 'Henter samtykketeksterne…',
    loadFailed: 'Samtykketeksterne kunne ikke hentes. Genindlæs venligst siden.',
    submit: 'Book',
    sending: 'Sender…',
    checkFields:
      'Udfyld venligst dit navn, en dato og tid samt en e-mailadresse eller et telefonnummer.',
    booked: 'Booking modtaget. Tak!',
    bookedAt: (when, service) => `${service}, ${when}.`,
    rejected: 'Bookingen blev ikke modtaget:',
    retryIn: (seconds) => ` Prøv igen om ${seconds} sekunder.`,
  },
  sv: {
    title: 'Boka en tid',
    lead: 'Välj en tid och en behandling. Vi bekräftar din bokning via e-post eller sms.',
    details: 'Din bokning',
    name: 'Namn',
    email: 'E-post',
    phone: 'Telefon',
    contactHint: 'Ange en e-postadress eller ett telefonnummer (eller båda).',
    startsAt: 'Datum och tid',
    service: 'Behandling',
    haircut: 'Klippning',
    colour: 'Färgning',
    facial: 'Ansiktsbehandling',
    manicure: 'Manikyr',
    loading: 'Hämtar samtyckestexterna…',
    loadFailed: 'Samtyckestexterna kunde inte hämtas. Ladda om sidan.',
    submit: 'Boka',
    sending: 'Skickar…',
    checkFields: 'Fyll i ditt namn, datum och tid samt en e-postadress eller ett telefonnummer.',
    booked: 'Bokning mottagen. Tack!',
    bookedAt: (when, service) => `${service}, ${when}.`,
    rejected: 'Bokningen togs inte emot:',
    retryIn: (seconds) => ` Försök igen om ${seconds} sekunder.`,
  },
};

/** ?lang= first, then the browser's languages, then English. */
const initialLanguage = () => {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked && LANGUAGES.includes(asked)) return asked;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
};

// Same origin: the page is served by the Strapi app whose /api it calls.
const consentForm = createConsentForm({ baseURL: '/api' });

const form = /** @type {HTMLFormElement} */ (document.getElementById('booking-form'));
const consentContainer = /** @type {HTMLElement} */ (document.getElementById('consent'));
const status = /** @type {HTMLElement} */ (document.getElementById('status'));
const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
const field = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));

let language = initialLanguage();
/** @type {import('/api/consent/consent-form.js').ConsentBoxes | null} */
let boxes = null;

/** A message above the form: kind "success" | "error" | "warning". Text only, never HTML. */
const say = (kind, ...lines) => {
  status.className = `status status-${kind}`;
  status.setAttribute('role', kind === 'success' ? 'status' : 'alert');
  status.replaceChildren(
    ...lines
      .filter(Boolean)
      .map((line) => Object.assign(document.createElement('p'), { textContent: line }))
  );
  status.hidden = false;
  status.scrollIntoView({ block: 'nearest' });
};
const clear = () => {
  status.hidden = true;
  status.replaceChildren();
};

const applyLanguage = async (next) => {
  language = next;
  const strings = STRINGS[language];
  document.documentElement.lang = language;
  document.title = `${strings.title} · Demo Salon`;
  for (const node of document.querySelectorAll('[data-text]'))
    node.textContent = strings[node.getAttribute('data-text')];
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.getAttribute('data-lang') === language));
  }
  const url = new URL(location.href);
  url.searchParams.set('lang', language);
  history.replaceState(null, '', url);
  clear();
  consentContainer.setAttribute('aria-busy', 'true');
  try {
    boxes = await consentForm.mount(consentContainer, language);
  } catch {
    boxes = null;
    say('error', strings.loadFailed);
  } finally {
    consentContainer.setAttribute('aria-busy', 'false');
  }
};

/** The booking's fields and contact, or null when something the server needs is missing. */
const readForm = () => {
  const value = (name) => field(name).value.trim();
  const email = value('email');
  const phone = value('phone');
  if (!form.checkValidity() || (!email && !phone)) return null;
  return {
    data: { startsAt: new Date(value('startsAt')).toISOString(), service: value('service') },
    contact: {
      name: value('name'),
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      language,
    },
  };
};

const onSubmit = async (event) => {
  event.preventDefault();
  const strings = STRINGS[language];
  if (!boxes) return say('error', strings.loadFailed);
  const input = readForm();
  if (!input) {
    form.reportValidity();
    return say('error', strings.checkFields);
  }
  submit.disabled = true;
  submit.textContent = strings.sending;
  try {
    const result = await consentForm.submitBooking(boxes, input);
    switch (result.status) {
      case 'booked': {
        const when = new Date(input.data.startsAt).toLocaleString(language, {
          dateStyle: 'full',
          timeStyle: 'short',
        });
        const service =
          form.querySelector(`option[value="${input.data.service}"]`)?.textContent ??
          input.data.service;
        form.reset();
        boxes = await consentForm.mount(consentContainer, language);
        return say('success', strings.booked, strings.bookedAt(when, service));
      }
      case 'invalid':
        // The helper shows each problem next to its purpose and in its own summary, and focuses the first.
        return clear();
      case 'stale':
        return say('warning', result.message);
      case 'rejected':
        return say('error', strings.rejected, result.message);
      case 'rate-limited':
        return say(
          'error',
          result.message +
            (result.retryAfterSeconds ? strings.retryIn(result.retryAfterSeconds) : '')
        );
      default:
        return say('error', result.message);
    }
  } finally {
    submit.disabled = false;
    submit.textContent = strings.submit;
  }
};

form.addEventListener('submit', onSubmit);
for (const button of document.querySelectorAll('[data-lang]')) {
  button.addEventListener('click', () => applyLanguage(button.getAttribute('data-lang')));
}
/** The next quarter hour, local time, as datetime-local wants it: also the base of the input's 15-minute step. */
const nextQuarterHour = () => {
  const quarter = 15 * 60_000;
  const next = new Date(Math.ceil(Date.now() / quarter) * quarter);
  return new Date(next.getTime() - next.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
field('startsAt').min = nextQuarterHour();
applyLanguage(language);
