import type { Core } from '@strapi/strapi';
import { seedDemo } from './seed';

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    // The demo's booking route takes the client's contact details (see the booking controller).
    strapi.contentAPI.addInputParams({
      contact: {
        schema: (z) =>
          z
            .object({
              name: z.string().trim().min(1).max(200),
              email: z.email().max(254).optional(),
              phone: z.string().regex(/^\+?[0-9 ]{6,20}$/).optional(),
              language: z.enum(['da', 'sv', 'en']).optional(),
            })
            .strict()
            .optional(),
        matchRoute: (route) => route.handler === 'api::booking.booking.create',
      },
    });
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await seedDemo(strapi);
  },
};
