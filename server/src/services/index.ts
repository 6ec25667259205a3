/**
 * The plugin's services as Strapi registers them (`strapi.plugin('consent').service(name)`),
 * each from the door (index.ts) of its feature module: docs/architecture.md.
 */
import { clients, overview } from '../clients';
import { bookings, clock, config, intake, intakeLimit, subjects } from '../host';
import { ledger, states, webhooks } from '../ledger';
import { dsr, dsrForm } from '../dsr';
import { consentPage } from '../pages';
import { audit, checkpoints, historyExport, keys, proof, proofVerify, receipts } from '../proof';
import {
  campaigns,
  confirmations,
  delivery,
  expiry,
  queue,
  requests,
  sender,
  settings,
  tokens,
  worker,
} from '../requests';
import { accessArchive, erasure, imports, retention } from '../rights';
import { purposes, textPreview, texts } from '../texts';

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
  dsr,
  'dsr-form': dsrForm,
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
