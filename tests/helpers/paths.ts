import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const APP_DIR = path.join(ROOT, 'playground');
export const DIST_DIR = path.join(APP_DIR, 'dist');
