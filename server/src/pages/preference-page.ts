import { html, plainText, type SafeHtml } from './html';
import { layout } from './layout';
import { stringsFor, type PageStrings } from './strings/index';
import type { Confirmation, PreferenceItem, PreferencePageView } from './types';

const confirmationText = (t: PageStrings, confirmation: Confirmation): string => {
  switch (confirmation.kind) {
    case 'approved':
      return t.preferences.approved;
    case 'declined':
      return t.preferences.declined;
    case 'unsubscribed':
      return t.preferences.unsubscribed;
    case 'withdrawn':
      return t.preferences.withdrawn(confirmation.title);
    case 'given':
      return t.preferences.given(confirmation.title);
    case 'explicitMissing':
      return t.preferences.explicitMissing(confirmation.title);
    case 'textChanged':
      return t.preferences.textChanged(confirmation.title);
    case 'unknownPurpose':
      return t.preferences.unknownPurpose;
  }
};

/** Give consent: the version shown goes with the answer; a special category needs its own tick. */
const giveForm = (
  t: PageStrings,
  purpose: PreferenceItem,
  give: NonNullable<PreferenceItem['give']>
): SafeHtml =>
  html`<form method="post" accept-charset="utf-8"><input type="hidden" name="action" value="give"><input type="hidden" name="purpose" value="${purpose.key}"><input type="hidden" name="version" value="${give.version}">${
    give.explicit
      ? html`<div class="explicit"><input type="checkbox" id="${purpose.key}-explicit" name="explicit" value="yes"><label for="${purpose.key}-explicit">${t.request.explicit(purpose.title)}</label></div>`
      : ''
  }<button type="submit">${t.preferences.give}<span class="vh">: ${purpose.title}</span></button></form>`;

const item = (t: PageStrings, view: PreferencePageView, purpose: PreferenceItem): SafeHtml => {
  const lang =
    purpose.textLocale && purpose.textLocale !== view.locale
      ? html` lang="${purpose.textLocale}"`
      : '';
  return html`<section class="purpose" aria-labelledby="purpose-${purpose.key}">
<h2 id="purpose-${purpose.key}"${lang}>${purpose.title}</h2>
<p>${t.preferences.status[purpose.status]}${
    purpose.decision?.version
      ? html` <span class="muted">${t.preferences.decided(purpose.decision.version, t.date(purpose.decision.decidedAt))}</span>`
      : ''
  }</p>
${
  purpose.text
    ? // Open where the client can give consent: they consent to what they have read.
      html`<details${purpose.give ? html` open` : ''}><summary>${t.preferences.readText}</summary><div class="text"${lang}>${plainText(purpose.text)}</div></details>`
    : ''
}
${purpose.give ? giveForm(t, purpose, purpose.give) : ''}
${
  purpose.canWithdraw
    ? html`<form method="post" accept-charset="utf-8"><input type="hidden" name="purpose" value="${purpose.key}"><button type="submit" class="secondary">${
        t.preferences.withdraw
      }<span class="vh">: ${purpose.title}</span></button></form>`
    : ''
}
</section>`;
};

/** The preference page: the client's state per consent purpose, Give where it is not given, Withdraw where it is. */
export const preferencePage = (view: PreferencePageView, status: number): string => {
  const t = stringsFor(view.locale);
  const title = t.preferences.title(view.organisation);
  const failed = status >= 400;
  return layout({
    lang: view.locale,
    title: failed ? t.errorTitlePrefix + title : title,
    body: html`${
      view.confirmation
        ? html`<div class="notice" ${failed ? html`role="alert"` : html`role="status"`}><p>${confirmationText(t, view.confirmation)}</p></div>`
        : ''
    }<h1>${title}</h1>
<p>${t.preferences.intro}</p>
${view.respondHref ? html`<div class="notice"><p>${t.preferences.openRequest} <a href="${view.respondHref}">${t.preferences.answerRequest}</a></p></div>` : ''}
${view.items.length > 0 ? view.items.map((purpose) => item(t, view, purpose)) : html`<p>${t.preferences.nothing}</p>`}`,
  });
};
