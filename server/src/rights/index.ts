export { default as accessArchive } from './access-archive';
export { default as erasure } from './erasure';
export { default as imports, identifierKind, parseImportDate } from './import';
export { default as retention } from './retention';
