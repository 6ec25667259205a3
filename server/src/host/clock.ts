import type { Core } from '@strapi/strapi';

/**
 * The time the request queue, expiry and the consent pages go by. Every time
 * comparison in their SQL takes this value as a parameter (never the database's
 * NOW()), so a test can move the clock forward: `clock.set(date)` / `clock.reset()`.
 */
const clock = (_: { strapi: Core.Strapi }) => {
  let offsetMs = 0;
  return {
    now(): Date {
      return new Date(Date.now() + offsetMs);
    },
    set(at: Date): void {
      offsetMs = at.getTime() - Date.now();
    },
    advance(ms: number): void {
      offsetMs += ms;
    },
    reset(): void {
      offsetMs = 0;
    },
  };
};

export default clock;
