import createError from 'http-errors';

/**
 * A decision for an erased client (rights/erasure.ts): 409, nothing recorded. Erasure is
 * final; a person who comes back is a new client (the import refuses the same way).
 */
export const erasedSubjectError = (subject: string) =>
  createError(
    409,
    'This client has been erased: nothing can be recorded for them or asked of them',
    {
      name: 'ErasedClientError',
      details: { subject },
    }
  );
