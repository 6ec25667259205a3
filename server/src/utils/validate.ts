import { validateZodSchema, type z } from '@strapi/utils';

/** Parse input with a zod schema; a failure becomes a 400 ValidationError in Strapi's error shape. */
export const parse = <T extends z.ZodType>(schema: T, data: unknown): z.output<T> =>
  validateZodSchema(schema)(data) as z.output<T>;
