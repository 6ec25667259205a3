import type { CurrentText } from '../texts';
import { html, plainText, type SafeHtml } from './html';
import { layout } from './layout';
import { stringsFor, type PageStrings } from './strings/index';
import type { RequestFormState, RequestPageView } from './types';

const EMPTY: RequestFormState = { answers: {}, errors: [], stale: [] };

/** `lang` on a text whose body is in another language than the page (a fallback body). */
const langOf = (text: CurrentText, page: string) =>
  text.locale !== page ? html` lang="${text.locale}"` : '';

const errorMessage = (t: PageStrings, text: CurrentText, field: 'decision' | 'explicit') =>
  field === 'decision' ? t.request.errorChoose(text.title) : t.request.errorExplicit(text.title);

const askedPurpose = (
  t: PageStrings,
  view: RequestPageView,
  text: CurrentText,
  state: RequestFormState
): SafeHtml => {
  const key = text.purpose;
  const answer = state.stale.includes(key) ? undefined : state.answers[key];
  const error = state.errors.find((e) => e.purpose === key);
  const invalid = error ? html` aria-invalid="true"` : '';
  const radio = (value: 'given' | 'refused', label: string) =>
    html`<div class="choice"><input type="radio" id="${key}-${value}" name="decision-${key}" value="${value}"${
      answer?.decision === value ? html` checked` : ''
    }${error?.field === 'decision' ? invalid : ''}><label for="${key}-${value}">${label}</label></div>`;

  return html`<fieldset id="purpose-${key}"${error ? html` class="invalid" aria-describedby="${key}-error"` : ''}>
<legend><h2${langOf(text, view.locale)}>${text.title}</h2></legend>
<p class="muted">${t.request.version(text.version)} · ${t.request.legalBasisLabel} ${t.legalBasis[text.legalBasis]}</p>
<div class="text" id="${key}-text"${langOf(text, view.locale)}>${plainText(text.text)}</div>
${error ? html`<p class="field-error" id="${key}-error">${errorMessage(t, text, error.field)}</p>` : ''}
<div class="choices">${radio('given', t.request.approve)}${radio('refused', t.request.decline)}</div>
${
  text.explicit
    ? html`<div class="explicit"><input type="checkbox" id="${key}-explicit" name="explicit-${key}" value="yes" aria-describedby="${key}-hint"${
        answer?.explicit ? html` checked` : ''
      }${error?.field === 'explicit' ? invalid : ''}><label for="${key}-explicit">${t.request.explicit(text.title)}</label></div>
<p class="muted" id="${key}-hint">${t.request.explicitHint}</p>`
    : ''
}
<input type="hidden" name="version-${key}" value="${text.version}">
</fieldset>`;
};

const infoPurpose = (t: PageStrings, view: RequestPageView, text: CurrentText): SafeHtml =>
  html`<div class="purpose">
<h3${langOf(text, view.locale)}>${text.title}</h3>
<p class="muted">${t.request.legalBasisLabel} ${t.legalBasis[text.legalBasis]}</p>
<div class="text"${langOf(text, view.locale)}>${plainText(text.text)}</div>
</div>`;

/** A part of the form shown above it only when the state asks for it. */
type FormNotice = (t: PageStrings, view: RequestPageView, state: RequestFormState) => SafeHtml | '';

const errorSummary: FormNotice = (t, view, state) => {
  if (state.errors.length === 0) return '';
  const byKey = new Map(view.asked.map((text) => [text.purpose, text]));
  return html`<div class="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${t.request.errorSummary}</h2>
<ul>${state.errors.map((e) => {
    const text = byKey.get(e.purpose) as CurrentText;
    const target = e.field === 'decision' ? `${e.purpose}-given` : `${e.purpose}-explicit`;
    return html`<li><a href="#${target}">${errorMessage(t, text, e.field)}</a></li>`;
  })}</ul>
</div>`;
};

const staleNotice: FormNotice = (t, view, state) => {
  const titles = view.asked
    .filter((text) => state.stale.includes(text.purpose))
    .map((text) => text.title);
  if (titles.length === 0) return '';
  return html`<div class="notice" role="status">
<p>${t.request.staleNotice}</p>
<ul>${titles.map((title) => html`<li>${t.request.staleItem(title)}</li>`)}</ul>
</div>`;
};

/** The request page: each asked purpose's text with Approve / Decline, nothing preselected. */
export const requestPage = (view: RequestPageView, state: RequestFormState = EMPTY): string => {
  const t = stringsFor(view.locale);
  const title = t.request.title(view.organisation);
  return layout({
    lang: view.locale,
    title: state.errors.length > 0 ? t.errorTitlePrefix + title : title,
    body: html`${errorSummary(t, view, state)}${staleNotice(t, view, state)}<h1>${title}</h1>
<p>${view.confirming ? t.request.confirmIntro : t.request.intro}</p>
<p class="muted">${t.request.openUntil(t.date(view.expiresAt))}</p>
<form method="post" accept-charset="utf-8" novalidate>
${view.asked.map((text) => askedPurpose(t, view, text, state))}
${
  view.info.length > 0
    ? html`<section aria-labelledby="info-heading">
<h2 id="info-heading">${t.request.infoHeading}</h2>
<p>${t.request.infoIntro}</p>
${view.info.map((text) => infoPurpose(t, view, text))}
</section>`
    : ''
}
<p><button type="submit">${t.request.submit}</button></p>
</form>
<p class="muted">${t.request.withdrawAnyTime} <a href="${view.manageHref}">${t.request.manageLink}</a></p>`,
  });
};
