import { DSR_KINDS, type DsrKind } from '../contracts';
import { html, layout } from '../pages';
import { formStrings } from './strings';

export type FormField = 'kind' | 'contact' | 'email' | 'phone' | 'details';

export interface FormView {
  locale: string;
  organisation: string;
  /** Offer the phone field (an SMS provider is configured). */
  phone: boolean;
  values?: { kind?: string; email?: string; phone?: string; details?: string };
  errors?: FormField[];
}

const FIELD_ID: Record<FormField, string> = {
  kind: 'kind-access',
  contact: 'email',
  email: 'email',
  phone: 'phone',
  details: 'details',
};

/**
 * The public form of data-subject requests: plain HTML that works without JavaScript, the
 * errors summarised at the top and linked to their fields (GOV.UK pattern, as the consent page).
 */
export const formPage = (view: FormView): string => {
  const t = formStrings(view.locale);
  const errors = view.errors ?? [];
  const values = view.values ?? {};
  const title = t.title(view.organisation);
  const error = (field: FormField) =>
    errors.includes(field)
      ? html`<p class="field-error" id="${field}-error">${t.errors[field]}</p>`
      : '';
  const kind = (k: DsrKind) =>
    html`<label class="choice"><input type="radio" name="kind" value="${k}" id="kind-${k}"${values.kind === k ? html` checked` : ''}> <span><strong>${t.kinds[k].label}</strong>: ${t.kinds[k].hint}</span></label>`;
  return layout({
    lang: view.locale,
    title: errors.length ? t.errorTitlePrefix + title : title,
    body: html`${
      errors.length
        ? html`<div class="error-summary" role="alert"><h2>${t.errorsTitle}</h2><ul>${errors.map(
            (f) => html`<li><a href="#${FIELD_ID[f]}">${t.errors[f]}</a></li>`
          )}</ul></div>`
        : ''
    }<h1>${title}</h1>
<p>${t.intro}</p>
<form method="post" accept-charset="utf-8">
<input type="hidden" name="lang" value="${view.locale}">
<fieldset${errors.includes('kind') ? html` class="invalid"` : ''}><legend>${t.kindLegend}</legend>${error('kind')}
${DSR_KINDS.map(kind)}
</fieldset>
<p><label for="email">${t.email}</label><br><span class="muted">${t.emailHint}</span></p>${error('contact')}${error('email')}
<p><input type="email" name="email" id="email" autocomplete="email" maxlength="254" value="${values.email ?? ''}"></p>
${
  view.phone
    ? html`<p><label for="phone">${t.phone}</label></p>${error('phone')}
<p><input type="tel" name="phone" id="phone" autocomplete="tel" maxlength="32" value="${values.phone ?? ''}"></p>`
    : ''
}
<p><label for="details">${t.details}</label><br><span class="muted">${t.detailsHint}</span></p>${error('details')}
<p><textarea name="details" id="details" rows="4" cols="40" maxlength="2000">${values.details ?? ''}</textarea></p>
<button type="submit">${t.submit}</button>
</form>`,
  });
};

/** After a valid submission: the same page whether or not the address belongs to a client. */
export const sentPage = (locale: string): string => {
  const t = formStrings(locale).sent;
  return layout({
    lang: locale,
    title: t.title,
    body: html`<h1>${t.title}</h1>
<p role="status">${t.body}</p>`,
  });
};

/** GET of the mailed link: a button, since mail scanners open links and opening must register nothing. */
export const confirmPage = (locale: string): string => {
  const t = formStrings(locale).confirm;
  return layout({
    lang: locale,
    title: t.title,
    body: html`<h1>${t.title}</h1>
<p>${t.body}</p>
<form method="post" accept-charset="utf-8"><button type="submit">${t.button}</button></form>`,
  });
};

export const registeredPage = (locale: string, reference: string, due: Date): string => {
  const t = formStrings(locale);
  return layout({
    lang: locale,
    title: t.done.title,
    body: html`<h1>${t.done.title}</h1>
<p role="status">${t.done.body(reference, t.date(due))}</p>`,
  });
};
