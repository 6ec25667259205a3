import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';

/** Admin API: what the admin panel needs to know of the host configuration (no secrets: no SMS provider settings). */
const hostConfig = ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const config = getService(strapi, 'config').get();
    const purposes = await getService(strapi, 'purposes').list();
    ctx.body = {
      data: {
        subject: {
          uid: config.subject.uid,
          name: config.subject.name ?? null,
          email: config.subject.email ?? null,
          phone: config.subject.phone ?? null,
          language: config.subject.language ?? null,
        },
        bookings: config.bookings.map((b) => ({
          uid: b.uid,
          subject: b.subject,
          requirement: b.requirement,
        })),
        locales: config.locales,
        defaultLocale: config.defaultLocale,
        hasPublishedText: purposes.some((p) => p.currentMajor !== null),
        sources: (await getService(strapi, 'settings').cached()).sources,
      },
    };
  },
});

export default hostConfig;
