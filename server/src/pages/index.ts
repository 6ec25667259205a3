export { default as consentPage } from './consent-page';
export type { Evidence, PageLink } from './consent-page';
export { neutralPage, notSavedPage, tooManyRequestsPage } from './neutral-page';
export { preferencePage } from './preference-page';
export { requestPage } from './request-page';
export { redirectAfterPost, sendPage } from './respond';
export type { Confirmation, PreferenceItem } from './types';
export { unsubscribePage } from './unsubscribe-page';
export { pickLocale, stringsFor } from './strings';
