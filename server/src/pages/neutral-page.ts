import { html } from './html';
import { layout } from './layout';
import { stringsFor } from './strings/index';

/**
 * What every link that cannot be used gets (malformed, unknown, expired, already
 * answered): one page that depends on nothing but the language, so no two causes
 * can be told apart and nothing says whether a client exists.
 */
export const neutralPage = (locale: string): string => {
  const t = stringsFor(locale).neutral;
  return layout({
    lang: locale,
    title: t.title,
    body: html`<h1>${t.title}</h1>
<p>${t.body}</p>
<p class="muted">${t.help}</p>`,
  });
};

/** A page of a title and one paragraph, in the client's language. */
const notice = (locale: string, t: { title: string; body: string }): string =>
  layout({
    lang: locale,
    title: t.title,
    body: html`<h1>${t.title}</h1>
<p>${t.body}</p>`,
  });

/** An answer the database did not store (its COMMIT failed): say so, so the client sends it again. */
export const notSavedPage = (locale: string): string => notice(locale, stringsFor(locale).notSaved);

export const tooManyRequestsPage = (locale: string): string =>
  notice(locale, stringsFor(locale).tooManyRequests);
