import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  CHAIN_VERSION,
  canonicalEvent,
  chainInputFromRow,
  eventHash,
  evidenceDigest,
  genesisHash,
  linkEvents,
  normaliseDate,
  type ChainEventInput,
} from '../../server/src/domain/chain';
import { PERSONAL_EVENT_FIELDS } from '../../server/src/domain/evidence';

const secret = Buffer.from('a-proof-secret-of-at-least-32-characters!!');

const event = (overrides: Partial<ChainEventInput> = {}): ChainEventInput => ({
  subject: 'qk3n0v8x1mz2b7r4t6y9w5e1',
  purposeKey: 'storage',
  decision: 'given',
  explicit: false,
  textId: 'txt000000000000000000001',
  textVersion: '2.1',
  textMajor: 2,
  textHash: 'ab'.repeat(32),
  textLocale: 'da',
  channel: 'booking_page',
  source: 'front page',
  actorType: 'subject',
  actorId: null,
  actorName: 'Karen Jensen',
  occurredAt: new Date('2026-11-23T10:11:12.345Z'),
  bookingId: 'bkg00000000000000000001',
  requestId: null,
  ip: '192.0.2.10',
  userAgent: 'BookingPage/2.0',
  note: null,
  ...overrides,
});

describe('event chain: canonical form and hashing', () => {
  it('reads the same from every database: 0/1 booleans, string integers, dates as Date, ms number or string', () => {
    const link = { chainSeq: 1, prevHash: genesisHash('s'), evidenceDigest: 'd'.repeat(64) };
    const base = canonicalEvent(event(), link);
    expect(canonicalEvent(event({ explicit: 0 }), link)).toBe(base);
    expect(canonicalEvent(event({ textMajor: '2' }), link)).toBe(base);
    expect(
      canonicalEvent(event({ occurredAt: Date.parse('2026-11-23T10:11:12.345Z') }), link)
    ).toBe(base);
    expect(canonicalEvent(event({ occurredAt: '2026-11-23T10:11:12.345Z' }), link)).toBe(base);
    expect(
      canonicalEvent(event({ occurredAt: String(Date.parse('2026-11-23T10:11:12.345Z')) }), link)
    ).toBe(base);
    expect(canonicalEvent(event({ explicit: true }), link)).toBe(
      canonicalEvent(event({ explicit: 1 }), link)
    );
    expect(JSON.parse(base)[0]).toBe(CHAIN_VERSION);
    expect(normaliseDate(new Date('2026-01-01T00:00:00.5Z'))).toBe('2026-01-01T00:00:00.500Z');
  });

  it('never puts a personal field into the hashed form; a client name appears only through the digest', () => {
    const link = { chainSeq: 1, prevHash: genesisHash('s'), evidenceDigest: 'd'.repeat(64) };
    const text = canonicalEvent(event({ note: 'Allergic to latex' }), link);
    for (const value of ['192.0.2.10', 'BookingPage/2.0', 'Karen Jensen', 'Allergic to latex'])
      expect(text).not.toContain(value);
    // An admin recorder's name is staff data, kept through erasure: covered directly.
    expect(canonicalEvent(event({ actorType: 'admin', actorName: 'Demo Admin' }), link)).toContain(
      'Demo Admin'
    );
  });

  it('evidence digest: HMAC under the secret of the personal fields, as keys.digest("event-evidence", ...)', () => {
    expect(PERSONAL_EVENT_FIELDS).toEqual(['ip', 'userAgent', 'note', 'actorName']);
    const e = event();
    const expected = createHmac('sha256', secret)
      .update(`event-evidence\u0000${JSON.stringify([e.ip, e.userAgent, e.note, e.actorName])}`)
      .digest('hex');
    expect(evidenceDigest(secret, e)).toBe(expected);
    expect(evidenceDigest(Buffer.from('another secret of 32 characters, yes'), e)).not.toBe(
      expected
    );
    for (const field of PERSONAL_EVENT_FIELDS)
      expect(evidenceDigest(secret, event({ [field]: 'changed' }))).not.toBe(expected);
  });

  it('links events: seq 1.., each to the previous hash, the first to the subject genesis', () => {
    const events = [event(), event({ decision: 'withdrawn' }), event({ purposeKey: 'marketing' })];
    const links = linkEvents(secret, events[0].subject, { seq: 0, hash: null }, events);
    expect(links.map((l) => l.chainSeq)).toEqual([1, 2, 3]);
    expect(links[0].prevHash).toBe(genesisHash(events[0].subject));
    expect(links[1].prevHash).toBe(links[0].hash);
    expect(links[2].prevHash).toBe(links[1].hash);
    for (const [i, l] of links.entries()) expect(l.hash).toBe(eventHash(events[i], l));
    // Appending in two writes gives the same chain as one write.
    const first = linkEvents(secret, events[0].subject, { seq: 0, hash: null }, events.slice(0, 1));
    const rest = linkEvents(
      secret,
      events[0].subject,
      { seq: 1, hash: first[0].hash },
      events.slice(1)
    );
    expect([...first, ...rest]).toEqual(links);
  });

  it('any change to any hashed field changes the hash', () => {
    const link = { chainSeq: 3, prevHash: 'a'.repeat(64), evidenceDigest: 'b'.repeat(64) };
    const h = eventHash(event(), link);
    const changes: Partial<ChainEventInput>[] = [
      { subject: 'other' },
      { purposeKey: 'marketing' },
      { decision: 'refused' },
      { explicit: true },
      { textId: 'x' },
      { textVersion: '2.2' },
      { textMajor: 3 },
      { textHash: 'cd'.repeat(32) },
      { textLocale: 'sv' },
      { channel: 'in_person' },
      { source: null },
      { actorType: 'admin' },
      { actorId: '7' },
      { occurredAt: new Date('2026-11-23T10:11:12.346Z') },
      { bookingId: null },
      { requestId: 'r' },
    ];
    for (const change of changes) expect(eventHash(event(change), link)).not.toBe(h);
    expect(eventHash(event(), { ...link, chainSeq: 4 })).not.toBe(h);
    expect(eventHash(event(), { ...link, prevHash: 'c'.repeat(64) })).not.toBe(h);
    expect(eventHash(event(), { ...link, evidenceDigest: 'c'.repeat(64) })).not.toBe(h);
  });

  it('no two different strings run together (the form is JSON, not a concatenation)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const link = { chainSeq: 1, prevHash: 'p', evidenceDigest: 'd' };
        fc.pre(a + b !== 'storage' + 'front page' || a !== 'storage');
        const one = eventHash(event({ purposeKey: a, decision: b }), link);
        const two = eventHash(event({ purposeKey: a + b, decision: '' }), link);
        if (b !== '') expect(one).not.toBe(two);
      })
    );
  });

  it('maps a raw row (snake_case columns) to the chain input', () => {
    const row = {
      subject: 's',
      purpose_key: 'storage',
      decision: 'given',
      explicit: 1,
      text_major: '2',
      actor_type: 'admin',
      actor_name: 'A',
      channel: 'api',
      occurred_at: 0,
      user_agent: 'ua',
    };
    expect(chainInputFromRow(row)).toMatchObject({
      subject: 's',
      purposeKey: 'storage',
      explicit: 1,
      textMajor: '2',
      actorName: 'A',
      userAgent: 'ua',
    });
  });
});
