import { type z } from '@strapi/utils';
import { errors } from './strapi-errors';

/**
 * Parse input with a zod schema; a failure becomes a 400 ValidationError in Strapi's error
 * shape: the first issue's message, and `details.errors` with one `{ path, message, name }`
 * per issue (the shape of @strapi/utils' `validateZodSchema`). Our own, because that helper
 * exists only from Strapi 5.45 on and the plugin supports 5.37.1 and later.
 */
export const parse = <T extends z.ZodType>(schema: T, data: unknown): z.output<T> => {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues;
  throw new errors.ValidationError(issues[0]?.message ?? 'Validation error', {
    errors: issues.map((issue) => ({
      path: issue.path.map(String),
      message: issue.message,
      name: 'ValidationError',
    })),
  });
};
