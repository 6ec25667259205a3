import { createHash, randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { UID } from '../constants';
import { newDocumentId } from '../utils/document-id';
import { fromColumns } from '../utils/rows';
import { getService } from '../utils/get-service';
import type { RequestRow, TokenRow } from '../types';
import { insertTokens, requestByDocumentId } from './queries';

/** 32 random bytes, base64url: 256 bits, 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const hashToken = (raw: string): string => createHash('sha256').update(raw).digest('hex');

/** One new link token (256 random bits) and the hash to store: for links kept outside consent_tokens. */
export const newLinkToken = (): { raw: string; hash: string } => {
  const raw = randomBytes(32).toString('base64url');
  return { raw, hash: hashToken(raw) };
};

/** Whether a string has a link token's shape (checked before any database work). */
export const isLinkToken = (raw: unknown): raw is string =>
  typeof raw === 'string' && TOKEN_PATTERN.test(raw);

/**
 * Link tokens. A token is made when a message is sent and travels only in that
 * message; the database keeps its SHA-256, so a copy of the database opens no page.
 */
const tokens = ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * New tokens for requests, stored (hashed) in the caller's transaction or, given the
   * connection, committed at once; returns the raw tokens in order. Up to 500 are one
   * statement (atomic on its own); more are inserted in chunks, which only a transaction
   * makes all-or-nothing.
   */
  async issue(
    trx: Knex.Transaction | Knex,
    items: { request: string; subject: string }[],
    expiresAt: Date
  ): Promise<string[]> {
    if (items.length === 0) return [];
    const now = getService(strapi, 'clock').now();
    // One call to the CSPRNG for the whole batch, cut into 32-byte tokens.
    const entropy = randomBytes(32 * items.length);
    const raw = items.map((_, i) => entropy.subarray(32 * i, 32 * (i + 1)).toString('base64url'));
    const rows = items.map((item, i) => ({
      document_id: newDocumentId(),
      token_hash: hashToken(raw[i]),
      request: item.request,
      subject: item.subject,
      expires_at: expiresAt,
      created_at: now,
      updated_at: now,
    }));
    await insertTokens(trx, rows);
    return raw;
  },

  /**
   * The request a raw token belongs to, or null when the token is malformed,
   * unknown or past its expiry (the caller answers all three the same way).
   */
  async lookup(raw: string): Promise<{ token: TokenRow; request: RequestRow } | null> {
    if (typeof raw !== 'string' || !TOKEN_PATTERN.test(raw)) return null;
    const token = (await strapi.db
      .query(UID.token)
      .findOne({ where: { tokenHash: hashToken(raw) } })) as TokenRow | null;
    if (
      !token ||
      new Date(token.expiresAt).getTime() <= getService(strapi, 'clock').now().getTime()
    )
      return null;
    const row = await requestByDocumentId(strapi.db.connection, token.request);
    if (!row) return null;
    return { token, request: fromColumns<RequestRow>(strapi, UID.request, row) };
  },
});

export default tokens;
