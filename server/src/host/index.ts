export { default as bookings } from './bookings';
export { default as clock } from './clock';
export { default as config } from './config';
export { default as intake, speaksForClient } from './intake';
export { default as intakeLimit } from './intake-limit';
export { default as subjects } from './subjects';
export type { Contact } from './subjects';
