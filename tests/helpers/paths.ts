import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const APP_DIR = path.join(ROOT, 'playground');
export const DIST_DIR = path.join(APP_DIR, 'dist');
/** A second host app with its own type names (customers, appointments): tests/apps/customer-app. */
export const CUSTOMER_APP_DIR = path.join(ROOT, 'tests', 'apps', 'customer-app');
