import accessArchive from './access-archive';
import audit from './audit';
import bookings from './bookings';
import campaigns from './campaigns';
import checkpoints from './checkpoints';
import clients from './clients';
import clock from './clock';
import config from './config';
import confirmations from './confirmations';
import consentPage from './consent-page';
import delivery from './delivery';
import erasure from './erasure';
import expiry from './expiry';
import historyExport from './history-export';
import imports from './import';
import intake from './intake';
import intakeLimit from './intake-limit';
import keys from './keys';
import ledger from './ledger';
import overview from './overview';
import proof from './proof';
import proofVerify from './proof-verify';
import purposes from './purposes';
import queue from './queue';
import receipts from './receipts';
import requests from './requests';
import retention from './retention';
import sender from './sender';
import settings from './settings';
import states from './states';
import subjects from './subjects';
import textPreview from './text-preview';
import texts from './texts';
import tokens from './tokens';
import webhooks from './webhooks';
import worker from './worker';

const services = {
  'access-archive': accessArchive,
  audit,
  bookings,
  campaigns,
  checkpoints,
  clients,
  clock,
  config,
  confirmations,
  'consent-page': consentPage,
  delivery,
  erasure,
  expiry,
  'history-export': historyExport,
  import: imports,
  intake,
  'intake-limit': intakeLimit,
  keys,
  ledger,
  overview,
  proof,
  'proof-verify': proofVerify,
  purposes,
  queue,
  receipts,
  requests,
  retention,
  sender,
  settings,
  states,
  subjects,
  'text-preview': textPreview,
  texts,
  tokens,
  webhooks,
  worker,
};

export type Services = typeof services;
export default services;
