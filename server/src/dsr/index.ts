/** The register of data-subject requests (Art. 12(3), 15-21) and its public form. */
export { default as dsr, DUE_SOON_DAYS } from './register';
export type { DsrRegister } from './register';
export { default as dsrForm, LINK_TTL_HOURS } from './public-form';
export { confirmPage, formPage, registeredPage, sentPage } from './form-page';
