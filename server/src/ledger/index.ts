export { noteSubjectCreated, subjectsCreatedHere } from './first-decisions';
export { default as ledger } from './ledger';
export type { FinalWrite } from './ledger';
export { default as states } from './states';
export { lockSummary, lockSummaryThrough } from './queries';
export type { SubjectRelation } from './queries';
export { default as webhooks } from './webhooks';
