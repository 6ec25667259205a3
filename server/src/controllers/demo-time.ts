import type { Core } from '@strapi/strapi';
import { z } from '@strapi/utils';
import { errors } from '../utils/strapi-errors';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';

const DAY_MS = 86_400_000;

const travelSchema = z.object({ days: z.number().int().min(1).max(800) }).strict();

/**
 * The demo's clock (config `demo.timeTravel`, never in production): move this
 * instance's clock forward by whole days and run the scheduled jobs at once, so a
 * demo shows what a week or a year does (expiry, the reminder before it, the
 * retention rule) without faking the system clock. The offset lives in this
 * process only: a restart is back to the real time.
 */
const demoTime = ({ strapi }: { strapi: Core.Strapi }) => {
  const clock = () => getService(strapi, 'clock');
  const assertOn = () => {
    if (!getService(strapi, 'config').get().demo.timeTravel)
      throw new errors.NotFoundError('Time travel is off (config demo.timeTravel)');
  };
  const state = () => {
    const now = clock().now();
    return {
      now: now.toISOString(),
      offsetDays: Math.round((now.getTime() - Date.now()) / DAY_MS),
    };
  };
  return {
    async status(ctx: Context) {
      assertOn();
      ctx.body = { data: state() };
    },

    /** Moves the clock `days` forward, then runs every job that fell due (expiry, sending, reminders, retention). */
    async travel(ctx: Context) {
      assertOn();
      const { days } = parse(travelSchema, ctx.request.body ?? {});
      clock().advance(days * DAY_MS);
      const jobs = await getService(strapi, 'worker').drain();
      ctx.body = { data: { ...state(), ...jobs } };
    },

    /** Back to the real time. */
    async reset(ctx: Context) {
      assertOn();
      clock().reset();
      ctx.body = { data: state() };
    },
  };
};

export default demoTime;
