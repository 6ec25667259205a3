export { noteSubjectCreated, subjectsCreatedHere } from './first-decisions';
export { default as ledger } from './ledger';
export type { FinalWrite } from './ledger';
export { default as states } from './states';
export { lockSummary, lockSummaryThrough } from './summary-lock';
export type { SubjectRelation } from './summary-lock';
export { default as webhooks } from './webhooks';
