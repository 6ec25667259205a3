import type { Core } from '@strapi/strapi';
import { guardAppendOnly } from './append-only';
import { badInputGuard } from './middlewares/bad-input';
import { intakeRateLimit } from './middlewares/intake-rate-limit';
import { getService } from './utils/get-service';
import { rollBackLeftOpenTransactions } from './utils/transaction';

const ACTIONS = [
  { uid: 'read', displayName: 'Read consent: texts, states and history', subCategory: 'consent' },
  { uid: 'record', displayName: 'Record and annul consent decisions', subCategory: 'consent' },
  {
    uid: 'texts.manage',
    displayName: 'Manage purposes and publish text versions',
    subCategory: 'texts',
  },
  {
    uid: 'requests',
    displayName: 'Send consent requests and run campaigns',
    subCategory: 'requests',
  },
  { uid: 'settings', displayName: 'Consent settings and maintenance', subCategory: 'settings' },
  {
    uid: 'export',
    displayName: 'Export histories, receipts and access archives',
    subCategory: 'data rights',
  },
  {
    uid: 'erase',
    displayName: 'Erase clients and run retention rules',
    subCategory: 'data rights',
  },
  { uid: 'import', displayName: 'Import legacy consents', subCategory: 'data rights' },
  {
    uid: 'proof',
    displayName: 'Verify the proof chain and read the audit trail',
    subCategory: 'data rights',
  },
  {
    uid: 'dsr-read',
    displayName: 'Read and export the register of data-subject requests',
    subCategory: 'data rights',
  },
  {
    uid: 'dsr-handle',
    displayName: 'Register, verify, extend and close data-subject requests',
    subCategory: 'data rights',
  },
];

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi
    .service('admin::permission')
    .actionProvider.registerMany(
      ACTIONS.map((action) => ({ ...action, section: 'plugins', pluginName: 'consent' }))
    );
  guardAppendOnly(strapi);
  rollBackLeftOpenTransactions(strapi);
  // Added here, not in register: Strapi adds the app's middlewares (strapi::errors
  // among them) between the two, and the 400 and 429 must come out in Strapi's error shape.
  // Bad input first: a request refused as malformed does not count towards the intake limit.
  strapi.server.use(badInputGuard(strapi));
  if (getService(strapi, 'config').get().intake.rateLimit.enabled) {
    await getService(strapi, 'intake-limit').prepare();
    strapi.server.use(intakeRateLimit(strapi));
  }
  // The proof secret exists before the first event needs it.
  await getService(strapi, 'keys').secret();
  // Sending and the scheduled jobs start once every plugin (the email feature) is up.
  getService(strapi, 'worker').start();
};

export default bootstrap;
