import bookings from './bookings';
import campaigns from './campaigns';
import clock from './clock';
import config from './config';
import consentPage from './consent-page';
import delivery from './delivery';
import expiry from './expiry';
import ledger from './ledger';
import purposes from './purposes';
import queue from './queue';
import requests from './requests';
import sender from './sender';
import settings from './settings';
import states from './states';
import subjects from './subjects';
import texts from './texts';
import tokens from './tokens';
import worker from './worker';

const services = {
  bookings,
  campaigns,
  clock,
  config,
  'consent-page': consentPage,
  delivery,
  expiry,
  ledger,
  purposes,
  queue,
  requests,
  sender,
  settings,
  states,
  subjects,
  texts,
  tokens,
  worker,
};

export type Services = typeof services;
export default services;
