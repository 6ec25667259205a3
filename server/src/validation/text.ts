import { z } from '@strapi/utils';
import { PUBLISH_CHANGE_KINDS } from '../contracts';

export const localeSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a locale code such as "en" or "da"');

export const bodyInputSchema = z
  .object({
    title: z.string().trim().min(1).max(300),
    text: z.string().trim().min(1).max(100_000),
  })
  .strict();

export const publishTextSchema = z
  .object({
    changeKind: z.enum(PUBLISH_CHANGE_KINDS),
    bodies: z.record(localeSchema, bodyInputSchema),
    summary: z.string().max(2000).optional(),
  })
  .strict();

export type PublishTextInput = z.output<typeof publishTextSchema>;
