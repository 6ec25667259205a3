export { default as purposes } from './purposes';
export { default as textPreview } from './text-preview';
export { default as texts, bodyFor, versionKey } from './texts';
export type { CurrentText } from './texts';
