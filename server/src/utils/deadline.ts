/** The error of a wait that passed its deadline (a send the transport never answered). */
export class DeadlineError extends Error {
  readonly code = 'ETIMEDOUT';
}

/**
 * `promise`, or a DeadlineError after `ms`. The promise itself runs on (nothing can
 * cancel a send handed to a transport); its late result or error is dropped.
 */
export const withDeadline = <T>(promise: Promise<T>, ms: number, message: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(message)), ms);
    timer.unref();
  });
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
};
