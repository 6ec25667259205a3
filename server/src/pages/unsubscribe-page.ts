import { html } from './html';
import { layout } from './layout';
import { stringsFor } from './strings/index';
import type { UnsubscribePageView } from './types';

/**
 * One-click unsubscribe (RFC 8058). The confirm page (GET) only shows a button:
 * mail clients and link scanners open links, and opening must change nothing.
 */
export const unsubscribePage = (view: UnsubscribePageView): string => {
  const t = stringsFor(view.locale);
  const done = view.state === 'done';
  const title = done ? t.unsubscribe.doneTitle : t.unsubscribe.title(view.organisation);
  const form = html`${
    view.purposes.length > 0
      ? html`<p>${t.unsubscribe.purposesLabel}</p>
<ul>${view.purposes.map((purpose) => html`<li>${purpose}</li>`)}</ul>`
      : ''
  }
<form method="post" accept-charset="utf-8"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${t.unsubscribe.button}</button></form>`;
  return layout({
    lang: view.locale,
    title: view.state === 'invalid' ? t.errorTitlePrefix + title : title,
    body: html`${view.state === 'invalid' ? html`<div class="notice" role="alert"><p>${t.unsubscribe.invalid}</p></div>` : ''}<h1>${title}</h1>
${
  done
    ? html`<p role="status">${t.unsubscribe.doneBody}</p>`
    : html`<p>${t.unsubscribe.intro}</p>
${form}`
}
<p class="muted"><a href="${view.manageHref}">${t.unsubscribe.manageLink}</a></p>`,
  });
};
