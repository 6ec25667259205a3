export { default as audit } from './audit';
export type { AuditEntryInput } from './audit';
export { default as checkpoints } from './checkpoints';
export { default as historyExport, EXPORT_CONTENT_TYPES, EXPORT_FIELDS } from './history-export';
export { default as keys } from './keys';
export { default as proof } from './proof';
export { default as proofVerify } from './proof-verify';
export { default as receipts } from './receipts';
