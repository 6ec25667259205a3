import type { Core } from '@strapi/strapi';
import { createHmac, randomBytes } from 'node:crypto';
import { PLUGIN_ID } from '../constants';
import { getService } from '../utils/get-service';

const store = (strapi: Core.Strapi) =>
  strapi.store({ type: 'plugin', name: PLUGIN_ID, key: 'proof-secret' });

/**
 * The proof secret: keys the digests of personal data kept in the proof (the
 * personal fields of each event, a client's identifiers in an erasure record), so
 * that a digest of a low-entropy value (an IP address, a phone number) cannot be
 * reversed by trying every value. `proof.secret` in the plugin config wins;
 * otherwise a random one is generated on first use and kept in the core store
 * (bootstrap asks for it, so it exists before any event; instances that first boot
 * at the same instant could each store one: several instances should set `proof.secret`).
 */
const keys = ({ strapi }: { strapi: Core.Strapi }) => {
  let secret: Buffer | null = null;
  return {
    async secret(): Promise<Buffer> {
      if (secret) return secret;
      const configured = getService(strapi, 'config').get().proof.secret;
      if (configured) {
        secret = Buffer.from(configured, 'utf8');
        return secret;
      }
      const stored = (await store(strapi).get({})) as { value?: string } | string | null;
      const existing = typeof stored === 'string' ? stored : stored?.value;
      if (existing) {
        secret = Buffer.from(existing, 'base64');
        return secret;
      }
      await store(strapi).set({ value: randomBytes(32).toString('base64') });
      // Read back: another instance may have stored its own first.
      const saved = (await store(strapi).get({})) as string;
      secret = Buffer.from(saved, 'base64');
      return secret;
    },

    /** HMAC-SHA256 (hex) of a value under the proof secret, separated by a label per use. */
    async digest(label: string, value: string): Promise<string> {
      return createHmac('sha256', await this.secret())
        .update(`${label}\u0000${value}`)
        .digest('hex');
    },
  };
};

export default keys;
