import bookings from './bookings';
import config from './config';
import ledger from './ledger';
import purposes from './purposes';
import states from './states';
import subjects from './subjects';
import texts from './texts';

const services = { bookings, config, ledger, purposes, states, subjects, texts };

export type Services = typeof services;
export default services;
