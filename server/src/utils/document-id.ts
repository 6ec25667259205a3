import { randomFillSync } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_BYTES = 24;

// randomBytes(24) per id allocates a Buffer each time (~5 µs; a booking makes several ids):
// ids are cut from a pool refilled from the CSPRNG once per 170 ids.
const pool = Buffer.allocUnsafe(ID_BYTES * 170);
let offset = pool.length;

/**
 * A document id in Strapi's shape (24 lowercase alphanumerics) that starts with
 * a letter: ids starting with a digit are taken for numeric ids in relation input.
 */
export const newDocumentId = (): string => {
  if (offset + ID_BYTES > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let id = ALPHABET[pool[offset] % 26];
  for (let i = 1; i < ID_BYTES; i += 1) id += ALPHABET[pool[offset + i] % 36];
  offset += ID_BYTES;
  return id;
};
