import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import { randomUUID } from 'node:crypto';
import { UID } from '../constants';
import { canonicalJson, loadSigningKey, signJws, verifyJws, type SigningKey } from '../domain/jws';
import {
  buildIsoRecord,
  type EventReference,
  type IsoPurposeInput,
} from '../domain/receipt-iso27560';
import {
  buildKantaraReceipt,
  type ReceiptConsent,
  type ReceiptController,
} from '../domain/receipt-kantara';
import { needsConsent } from '../domain/state-machine';
import { getService } from '../utils/get-service';
import type { AuditEntryInput } from './audit';
import type { EventRow, PurposeRow, StateRow } from '../types';

export { RECEIPT_FORMATS } from '../contracts';
import type { ReceiptFormat } from '../contracts';
import { eventsById } from './queries';
export type { ReceiptFormat };

export interface ReceiptResponse {
  receipt: Record<string, unknown>;
  /** Compact JWS whose payload is the receipt, when receipts.signingKey is configured. */
  jws?: string;
}

export interface ReceiptVerification {
  valid: boolean;
  reason?: string;
  receipt?: unknown;
  kid?: string;
}

type Actor = AuditEntryInput['actor'];

const purposeOf = (p: PurposeRow): ReceiptConsent['purpose'] => ({
  key: p.key,
  name: p.name,
  description: p.description,
  legalBasis: p.legalBasis,
  specialCategory: Boolean(p.specialCategory),
  specialCategoryKind: p.specialCategory ? (p.specialCategoryKind ?? null) : null,
  marketing: Boolean(p.marketing),
  required: Boolean(p.required) && needsConsent(p),
});

type Decided = Pick<
  EventRow,
  'decision' | 'explicit' | 'textVersion' | 'textHash' | 'textLocale'
> & {
  channel: string | null;
  occurredAt: string;
  source?: string | null;
};

const consentOf = (purpose: PurposeRow, row: Decided): ReceiptConsent => ({
  purpose: purposeOf(purpose),
  decision: row.decision,
  explicit: Boolean(row.explicit),
  occurredAt: new Date(row.occurredAt).toISOString(),
  channel: row.channel,
  source: row.source ?? null,
  textVersion: row.textVersion,
  textHash: row.textHash,
  textLocale: row.textLocale,
});

const iso = (value: unknown): string | null =>
  value ? new Date(value as string).toISOString() : null;

/**
 * Consent receipts: a Kantara Consent Receipt v1.1 or an ISO/IEC TS 27560-shaped
 * record of a client's current consents or of one event, signed as a compact JWS
 * when a signing key is configured, and their verification.
 */
const receipts = ({ strapi }: { strapi: Core.Strapi }) => {
  let signer: SigningKey | null | undefined;

  const config = () => getService(strapi, 'config').get();
  const publicUrl = () =>
    (config().publicUrl ?? strapi.config.get<string>('server.url', '') ?? '').replace(/\/$/, '');

  /** The events behind a record, with their chain columns when the chain has added them (read raw: they are not attributes). */
  const references = async (ids: number[]): Promise<Map<number, EventReference>> => {
    if (ids.length === 0) return new Map();
    const rows = await eventsById(strapi.db.connection, ids);
    return new Map(
      rows.map((r) => [
        Number(r.id),
        {
          id: Number(r.id),
          documentId: String(r.document_id),
          decision: String(r.decision),
          occurredAt: iso(r.occurred_at) as string,
          channel: (r.channel as string | null) ?? null,
          hash: (r.hash as string | undefined) ?? null,
          prevHash: (r.prev_hash as string | undefined) ?? null,
          chainSeq: r.chain_seq != null ? Number(r.chain_seq) : null,
        },
      ])
    );
  };

  return {
    /** The signing key, loaded once from receipts.signingKey; null when receipts are unsigned. */
    signer(): SigningKey | null {
      if (signer !== undefined) return signer;
      const { signingKey, keyId } = config().receipts;
      if (!signingKey) return (signer = null);
      try {
        signer = loadSigningKey(signingKey, keyId);
      } catch (error) {
        throw new errors.ApplicationError(
          `consent: receipts.signingKey cannot be used: ${(error as Error).message}`
        );
      }
      return signer;
    },

    /** The public keys that verify receipts (RFC 7517 JWK Set). */
    jwks(): { keys: SigningKey['jwk'][] } {
      const key = this.signer();
      return { keys: key ? [key.jwk] : [] };
    },

    async controller(): Promise<ReceiptController> {
      return (await getService(strapi, 'settings').get()).controller;
    },

    /** How the client withdraws: every message carries a link to the preference page; otherwise the controller. */
    withdrawal(controller: ReceiptController) {
      const contact = controller.email ?? controller.phone ?? null;
      return {
        method: `Use the "manage your consent" link in any message from ${controller.name}${contact ? `, or contact ${contact}` : ', or contact the controller'}`,
        url: controller.privacyPolicyUrl,
        contact,
      };
    },

    /** A receipt of the client's current consents (Kantara: those given; ISO: every active purpose with its status). */
    async forSubject(
      subject: string,
      format: ReceiptFormat,
      actor: Actor
    ): Promise<ReceiptResponse> {
      await getService(strapi, 'subjects').assertExists(subject);
      const purposes = (await getService(strapi, 'purposes').list()).filter((p) => p.active);
      const states = (await strapi.db
        .query(UID.state)
        .findMany({ where: { subject } })) as StateRow[];
      const byKey = new Map(states.map((s) => [s.purposeKey, s]));
      const controller = await this.controller();
      const fromState = (p: PurposeRow, s: StateRow) =>
        consentOf(p, { ...s, occurredAt: s.decidedAt });
      let receipt: Record<string, unknown>;
      if (format === 'kantara') {
        const given = purposes
          .filter((p) => needsConsent(p) && byKey.get(p.key)?.decision === 'given')
          .map((p) => fromState(p, byKey.get(p.key) as StateRow));
        if (given.length === 0)
          throw new errors.NotFoundError(
            'The client has no consent given to make a Kantara receipt of (format=iso27560 records every status)'
          );
        receipt = { ...this.kantara(subject, controller, given) };
      } else {
        const refs = await references(states.map((s) => s.eventId));
        const inputs: IsoPurposeInput[] = [];
        for (const p of purposes) {
          const s = byKey.get(p.key);
          const events: EventReference[] = [];
          const own = s ? refs.get(s.eventId) : undefined;
          let givenAt: string | null = s?.decision === 'given' ? iso(s.decidedAt) : null;
          if (s && s.decision !== 'given') {
            // When it ended, the record also points at the consent that it ended.
            const lastGiven = (await strapi.db.query(UID.event).findOne({
              where: { subject, purposeKey: p.key, decision: 'given', id: { $lt: s.eventId } },
              orderBy: { id: 'desc' },
              select: ['id', 'occurredAt'],
            })) as { id: number; occurredAt: string } | null;
            if (lastGiven) {
              givenAt = iso(lastGiven.occurredAt);
              const ref = (await references([lastGiven.id])).get(lastGiven.id);
              if (ref) events.push(ref);
            }
          }
          if (own) events.push(own);
          inputs.push({
            purpose: purposeOf(p),
            consent: s ? fromState(p, s) : null,
            currentVersion:
              p.currentMajor !== null ? `${p.currentMajor}.${p.currentMinor ?? 0}` : null,
            givenAt,
            endedAt: s && s.decision !== 'given' ? iso(s.decidedAt) : null,
            events,
          });
        }
        receipt = this.iso(subject, controller, inputs);
      }
      return this.finish(receipt, format, {
        subject,
        scope: 'subject',
        actor,
        purposes: (receipt.purposes as unknown[] | undefined)?.length ?? 0,
      });
    },

    /** A receipt of one event (by numeric id or document id). */
    async forEvent(ref: string, format: ReceiptFormat, actor: Actor): Promise<ReceiptResponse> {
      const where = /^\d+$/.test(ref) ? { id: Number(ref) } : { documentId: ref };
      const event = (await strapi.db.query(UID.event).findOne({ where })) as EventRow | null;
      if (!event) throw new errors.NotFoundError('Consent event not found', { event: ref });
      const purpose = (await getService(strapi, 'purposes').findByKey(
        event.purposeKey
      )) as PurposeRow | null;
      if (!purpose)
        throw new errors.NotFoundError('The purpose of this event no longer exists', {
          purpose: event.purposeKey,
        });
      const controller = await this.controller();
      const consent = consentOf(purpose, event);
      let receipt: Record<string, unknown>;
      if (format === 'kantara') {
        if (event.decision !== 'given') {
          throw new errors.ValidationError(
            `A Kantara receipt records a consent given; this event is "${event.decision}": use format=iso27560`
          );
        }
        receipt = { ...this.kantara(event.subject, controller, [consent]) };
      } else {
        const refs = await references([event.id]);
        receipt = this.iso(event.subject, controller, [
          {
            purpose: purposeOf(purpose),
            consent,
            currentVersion:
              purpose.currentMajor !== null
                ? `${purpose.currentMajor}.${purpose.currentMinor ?? 0}`
                : null,
            givenAt: event.decision === 'given' ? consent.occurredAt : null,
            endedAt: event.decision === 'given' ? null : consent.occurredAt,
            events: refs.has(event.id) ? [refs.get(event.id) as EventReference] : [],
          },
        ]);
      }
      return this.finish(receipt, format, {
        subject: event.subject,
        scope: 'event',
        actor,
        purposes: 1,
        event: event.id,
      });
    },

    kantara(subject: string, controller: ReceiptController, consents: ReceiptConsent[]) {
      const key = this.signer();
      return buildKantaraReceipt({
        receiptId: randomUUID(),
        subject,
        controller,
        fallbackPolicyUrl: `${publicUrl()}/api/consent/texts`,
        withdrawal: this.withdrawal(controller).method,
        consents,
        language: consents[0]?.textLocale ?? config().defaultLocale,
        ...(key
          ? { publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() }
          : {}),
      });
    },

    iso(subject: string, controller: ReceiptController, purposes: IsoPurposeInput[]) {
      return buildIsoRecord({
        recordId: randomUUID(),
        subject,
        controller,
        fallbackPolicyUrl: `${publicUrl()}/api/consent/texts`,
        withdrawal: this.withdrawal(controller),
        purposes,
        generatedAt: getService(strapi, 'clock').now(),
      }) as unknown as Record<string, unknown>;
    },

    /** Sign (when a key is set) and audit. The audit names the receipt, not its content. */
    async finish(
      receipt: Record<string, unknown>,
      format: ReceiptFormat,
      info: {
        subject: string;
        scope: 'subject' | 'event';
        actor: Actor;
        purposes: number;
        event?: number;
      }
    ): Promise<ReceiptResponse> {
      const key = this.signer();
      const jws = key ? signJws(receipt, key) : undefined;
      const purposes =
        format === 'kantara'
          ? ((receipt.services as { purposes: unknown[] }[])[0]?.purposes.length ?? 0)
          : info.purposes;
      await getService(strapi, 'audit').record({
        action: 'export.receipt',
        actor: info.actor,
        subject: info.subject,
        details: {
          format,
          scope: info.scope,
          ...(info.event !== undefined ? { event: info.event } : {}),
          purposes,
          signed: Boolean(key),
          receiptId: (receipt.consentReceiptID ?? receipt.record_id) as string,
          ...(key ? { kid: key.kid } : {}),
        },
      });
      return jws ? { receipt, jws } : { receipt };
    },

    /**
     * Verify a signed receipt: `{ jws }`, optionally with the `receipt` it claims to
     * be (then both must agree), or a saved response `{ data: { receipt, jws } }`.
     */
    async verify(input: unknown, actor?: Actor): Promise<ReceiptVerification> {
      const body = (
        input && typeof input === 'object' && 'data' in input
          ? (input as { data: unknown }).data
          : input
      ) as { jws?: unknown; receipt?: unknown } | null;
      const result = ((): ReceiptVerification => {
        if (
          !body ||
          typeof body !== 'object' ||
          typeof body.jws !== 'string' ||
          body.jws.length === 0
        ) {
          return {
            valid: false,
            reason: 'no jws: a signed receipt is verified by its compact JWS',
          };
        }
        if (body.jws.length > 200_000)
          return { valid: false, reason: 'the JWS is too long to be a receipt' };
        const key = this.signer();
        if (!key)
          return {
            valid: false,
            reason: 'this server signs no receipts (receipts.signingKey is not set)',
          };
        const checked = verifyJws(body.jws, [key]);
        if (!checked.valid) return { valid: false, reason: checked.reason };
        if (
          body.receipt !== undefined &&
          canonicalJson(body.receipt) !== canonicalJson(checked.payload)
        ) {
          return { valid: false, reason: 'the receipt differs from the signed content' };
        }
        return { valid: true, receipt: checked.payload, kid: checked.header.kid };
      })();
      if (actor) {
        await getService(strapi, 'audit').record({
          action: 'receipt.verify',
          actor,
          outcome: result.valid ? 'ok' : 'failed',
          details: { valid: result.valid, ...(result.kid ? { kid: result.kid } : {}) },
        });
      }
      return result;
    },
  };
};

export default receipts;
