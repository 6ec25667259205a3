/**
 * An admin API error as the screens meet it: from an RTK Query mutation's `unwrap()`
 * (Strapi's `{ name, message, status, details }`) or from a fetch client call (the
 * same inside `response.data.error`).
 */
interface ApiErrorLike {
  message?: string;
  status?: number;
  details?: unknown;
  response?: { status?: number; data?: { error?: { message?: string; details?: unknown } } };
}

const asApiError = (error: unknown): ApiErrorLike =>
  typeof error === 'object' && error !== null ? (error as ApiErrorLike) : {};

/** The message of an error, for a notification. */
export const errorMessage = (error: unknown): string | null => {
  const e = asApiError(error);
  return e.response?.data?.error?.message ?? e.message ?? null;
};

/** The HTTP status of an error, when the server answered. */
export const errorStatus = (error: unknown): number | null => {
  const e = asApiError(error);
  return e.status ?? e.response?.status ?? null;
};

/** The `details` of an error (a refused import carries its report there). */
export const errorDetails = <T>(error: unknown): T | null => {
  const e = asApiError(error);
  return ((e.details ?? e.response?.data?.error?.details) as T | undefined) ?? null;
};
