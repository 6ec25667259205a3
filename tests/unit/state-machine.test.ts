import fc from 'fast-check';
import {
  applyEvent,
  compareEvents,
  currentFingerprint,
  foldEvents,
  hasValidConsent,
  isInOrder,
  isValidFor,
  purposeStatus,
  requiredPurposes,
  subjectFingerprint,
  type Decision,
  type LedgerEvent,
  type PurposeRules,
  type PurposeState,
} from '../../server/src/domain/state-machine';
import { nextVersion } from '../../server/src/domain/version';

const RUNS = { numRuns: 1000 };
const BASE = Date.UTC(2024, 0, 1);

// Reference model, written independently of the module (no sort, no applyEvent):
// the latest decisive event, else the latest expired one, else nothing.

const ms = (t: LedgerEvent['occurredAt']): number => new Date(t).getTime();

const laterOf = (a: LedgerEvent, b: LedgerEvent): LedgerEvent => {
  const ta = ms(a.occurredAt);
  const tb = ms(b.occurredAt);
  if (ta !== tb) return ta > tb ? a : b;
  return a.id > b.id ? a : b;
};

const latest = (events: LedgerEvent[]): LedgerEvent | null =>
  events.reduce<LedgerEvent | null>((best, e) => (best === null ? e : laterOf(best, e)), null);

const referenceState = (events: LedgerEvent[]): { decision: Decision; id: number } | null => {
  const chosen =
    latest(events.filter((e) => e.decision !== 'expired')) ??
    latest(events.filter((e) => e.decision === 'expired'));
  return chosen ? { decision: chosen.decision, id: chosen.id } : null;
};

const summary = (s: PurposeState | null) => (s ? { decision: s.decision, id: s.event.id } : null);

const refValid = (p: PurposeRules, s: PurposeState | null): boolean =>
  s !== null &&
  s.decision === 'given' &&
  p.currentMajor !== null &&
  s.event.textMajor === p.currentMajor &&
  (s.event.explicit || !(p.legalBasis === 'consent' && p.specialCategory));

const refStatus = (p: PurposeRules, s: PurposeState | null): string => {
  if (p.legalBasis !== 'consent') return 'not_required';
  if (s === null) return 'missing';
  if (s.decision === 'given') return refValid(p, s) ? 'valid' : 'outdated';
  return s.decision;
};

const refRequired = (purposes: PurposeRules[]) =>
  purposes.filter((p) => p.active && p.required && p.legalBasis === 'consent');

// Arbitraries

/** `expired` is weighted up so that expired-only logs and expired-after-answer logs are common. */
const decisionArb: fc.Arbitrary<Decision> = fc.oneof(
  { arbitrary: fc.constant<Decision>('expired'), weight: 3 },
  { arbitrary: fc.constantFrom<Decision>('given', 'refused', 'withdrawn', 'revoked'), weight: 4 }
);

/** Only six distinct instants (many ties), in all three accepted representations. */
const occurredAtArb = fc
  .tuple(fc.integer({ min: 0, max: 5 }), fc.constantFrom('number', 'iso', 'date'))
  .map(([k, form]) => {
    const t = BASE + k * 60_000;
    return form === 'number' ? t : form === 'iso' ? new Date(t).toISOString() : new Date(t);
  });

const MAJOR = fc.integer({ min: 1, max: 4 });
const toState = (event: LedgerEvent): PurposeState => ({ decision: event.decision, event });

const eventArb = (textMajor: fc.Arbitrary<number | null> = MAJOR) =>
  fc.record({
    id: fc.integer({ min: 1, max: 10_000 }),
    decision: decisionArb,
    occurredAt: occurredAtArb,
    textMajor,
    explicit: fc.boolean(),
  });

/** Random logs; ids are unique but uncorrelated with time (back-dated imports, clock skew). */
const logArb = fc.uniqueArray(eventArb(), { selector: (e) => e.id, maxLength: 12 });

const permutationOf = <T>(xs: T[]) =>
  fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length });

const logWithArrivalArb = logArb.chain((log) => fc.tuple(fc.constant(log), permutationOf(log)));

const purposeArb: fc.Arbitrary<PurposeRules> = fc.record({
  id: fc.integer({ min: 1, max: 50 }),
  // Biased so that required, active, consent-based purposes (the ones that count) are common.
  legalBasis: fc.constantFrom(
    'consent',
    'consent',
    'consent',
    'consent',
    'contract',
    'legitimate_interests'
  ),
  specialCategory: fc.boolean(),
  required: fc.constantFrom(true, true, false),
  active: fc.constantFrom(true, true, true, false),
  // One purpose in three has no published text yet.
  currentMajor: fc.option(MAJOR, { nil: null, freq: 2 }),
});

const purposesArb = fc.uniqueArray(purposeArb, { selector: (p) => p.id, maxLength: 6 });

const stateArb = fc.option(eventArb(fc.option(MAJOR, { nil: null })).map(toState), { nil: null });

const givenArb = (textMajor: fc.Arbitrary<number | null>, explicit: fc.Arbitrary<boolean>) =>
  fc
    .record({ id: fc.nat(), textMajor, explicit })
    .map((e) => toState({ ...e, decision: 'given', occurredAt: BASE }));

/**
 * A state that is often (not always) the right answer for the purpose, so "valid" is frequent,
 * and often a near miss (explicit consent to some other major, e.g. to a purpose with no text).
 * Text majors are >= 1, as nextVersion produces them: a given event with textMajor 0 would match the
 * "id:0" part that currentFingerprint uses for an unpublished purpose, although isValidFor rejects it.
 */
const stateForArb = (p: PurposeRules): fc.Arbitrary<PurposeState | null> =>
  fc.oneof(
    { arbitrary: stateArb, weight: 1 },
    { arbitrary: givenArb(MAJOR, fc.constant(true)), weight: 1 },
    { arbitrary: givenArb(fc.constant(p.currentMajor), fc.boolean()), weight: 4 }
  );

const subjectArb = purposesArb.chain((purposes) =>
  fc.tuple(fc.constant(purposes), fc.tuple(...purposes.map(stateForArb)))
);

const stateLookup = (purposes: PurposeRules[], states: (PurposeState | null)[]) => {
  const byId = new Map(purposes.map((p, i) => [p.id, states[i]]));
  return (purposeId: number) => byId.get(purposeId) ?? null;
};

const ev = (
  id: number,
  decision: Decision,
  minute: number,
  extra: Partial<LedgerEvent> = {}
): LedgerEvent => {
  return {
    id,
    decision,
    occurredAt: BASE + minute * 60_000,
    textMajor: 1,
    explicit: false,
    ...extra,
  };
};
const PURPOSE = {
  id: 1,
  legalBasis: 'consent',
  specialCategory: false,
  required: true,
  active: true,
  currentMajor: 1,
};
const purpose = (extra: Partial<PurposeRules> = {}): PurposeRules => ({ ...PURPOSE, ...extra });

describe('state machine: examples', () => {
  it('given then withdrawn is withdrawn', () => {
    expect(summary(foldEvents([ev(1, 'given', 0), ev(2, 'withdrawn', 1)]))).toEqual({
      decision: 'withdrawn',
      id: 2,
    });
  });

  it('given then expired stays given: an unanswered request never overrides an answer', () => {
    const given = applyEvent(null, ev(1, 'given', 0));
    expect(applyEvent(given, ev(2, 'expired', 1))).toBe(given);
    expect(summary(foldEvents([ev(1, 'given', 0), ev(2, 'expired', 1)]))).toEqual({
      decision: 'given',
      id: 1,
    });
  });

  it('no events is no state; expired alone is expired, and a later answer replaces it', () => {
    expect(foldEvents([])).toBeNull();
    expect(summary(foldEvents([ev(1, 'expired', 0), ev(2, 'expired', 1)]))).toEqual({
      decision: 'expired',
      id: 2,
    });
    expect(summary(foldEvents([ev(1, 'expired', 0), ev(2, 'given', 1)]))).toEqual({
      decision: 'given',
      id: 2,
    });
  });

  it('revoked after given is revoked; given after revoked is given again', () => {
    expect(foldEvents([ev(1, 'given', 0), ev(2, 'revoked', 1)])?.decision).toBe('revoked');
    expect(foldEvents([ev(1, 'revoked', 0), ev(2, 'given', 1)])?.decision).toBe('given');
  });

  it('orders by time first, then by id, whatever the input order', () => {
    const log = [ev(3, 'given', 1), ev(9, 'refused', 0)]; // back-dated: higher id, earlier time
    expect(summary(foldEvents(log))).toEqual({ decision: 'given', id: 3 });
    expect(log.map((e) => e.id)).toEqual([3, 9]); // the caller's array is not sorted in place
    expect(summary(foldEvents([ev(8, 'given', 1), ev(5, 'refused', 1)]))).toEqual({
      decision: 'given',
      id: 8,
    });
  });

  it('compares ISO strings, epoch ms and Dates as time', () => {
    const a = ev(2, 'given', 0, { occurredAt: new Date(BASE).toISOString() });
    const b = ev(1, 'refused', 0, { occurredAt: new Date(BASE + 1) });
    expect(compareEvents(a, b)).toBeLessThan(0);
    expect(compareEvents(a, { ...a, id: 3, occurredAt: BASE })).toBeLessThan(0);
  });

  it('an event before the state event is out of order; an equal one too', () => {
    const state = foldEvents([ev(5, 'given', 2)]);
    expect(isInOrder(null, ev(1, 'given', 0))).toBe(true);
    expect(isInOrder(state, ev(6, 'refused', 2))).toBe(true);
    expect(isInOrder(state, ev(4, 'refused', 2))).toBe(false);
    expect(isInOrder(state, ev(7, 'refused', 1))).toBe(false);
    expect(isInOrder(state, ev(5, 'given', 2))).toBe(false);
  });

  it('special categories need explicit consent', () => {
    const health = purpose({ specialCategory: true });
    const implicit = foldEvents([ev(1, 'given', 0, { explicit: false })]);
    const explicit = foldEvents([ev(1, 'given', 0, { explicit: true })]);
    expect(isValidFor(health, implicit)).toBe(false);
    expect(purposeStatus(health, implicit)).toBe('outdated');
    expect(purposeStatus(health, explicit)).toBe('valid');
    expect(purposeStatus(purpose(), implicit)).toBe('valid');
  });

  it('consent to an older major, or to a purpose without a published text, is outdated', () => {
    const toMajor = (textMajor: number | null) => foldEvents([ev(1, 'given', 0, { textMajor })]);
    expect(purposeStatus(purpose({ currentMajor: 2 }), toMajor(1))).toBe('outdated');
    expect(purposeStatus(purpose({ currentMajor: null }), toMajor(null))).toBe('outdated');
  });

  it('a purpose not based on consent is not_required; no state is missing', () => {
    expect(purposeStatus(purpose({ legalBasis: 'contract' }), null)).toBe('not_required');
    expect(purposeStatus(purpose(), null)).toBe('missing');
  });

  it('a required purpose without a published text blocks valid consent, whatever the subject gave', () => {
    const purposes = [purpose({ id: 1 }), purpose({ id: 2, currentMajor: null })];
    for (const textMajor of [1, 2, null]) {
      const stateOf = () => foldEvents([ev(1, 'given', 0, { textMajor, explicit: true })]);
      expect(
        hasValidConsent(subjectFingerprint(purposes, stateOf), currentFingerprint(purposes))
      ).toBe(false);
    }
  });

  it('nobody has valid consent when no purpose is required', () => {
    const optional = [purpose({ required: false })];
    const fp = subjectFingerprint(optional, () => foldEvents([ev(1, 'given', 0)]));
    expect(fp).toBeNull();
    expect(currentFingerprint(optional)).toBe('');
    expect(hasValidConsent(fp, '')).toBe(false);
    expect(hasValidConsent('', '')).toBe(false);
  });
});

describe('state machine: folding the log', () => {
  it('foldEvents agrees with the reference model (decision and event id)', () => {
    fc.assert(
      fc.property(logArb, (log) => expect(summary(foldEvents(log))).toEqual(referenceState(log))),
      RUNS
    );
  });

  it('foldEvents does not depend on the order of its input', () => {
    fc.assert(
      fc.property(logWithArrivalArb, ([log, shuffled]) =>
        expect(summary(foldEvents(shuffled))).toEqual(summary(foldEvents(log)))
      ),
      RUNS
    );
  });

  it('incremental application in any arrival order (refolding when out of order) equals folding everything', () => {
    fc.assert(
      fc.property(logWithArrivalArb, ([log, arrival]) => {
        let state: PurposeState | null = null;
        const arrived: LedgerEvent[] = [];
        for (const event of arrival) {
          arrived.push(event);
          state = isInOrder(state, event) ? applyEvent(state, event) : foldEvents(arrived);
          // The live state is correct after every arrival, not only at the end.
          expect(summary(state)).toEqual(referenceState(arrived));
        }
        expect(summary(state)).toEqual(summary(foldEvents(log)));
      }),
      RUNS
    );
  });
});

describe('state machine: validity of one purpose', () => {
  it('purposeStatus and isValidFor agree with the reference for random purposes and states', () => {
    fc.assert(
      fc.property(purposeArb, stateArb, (p, s) => {
        expect(isValidFor(p, s)).toBe(refValid(p, s));
        expect(purposeStatus(p, s)).toBe(refStatus(p, s));
      }),
      RUNS
    );
  });
});

describe('state machine: fingerprints', () => {
  it('requiredPurposes is the active, required, consent-based purposes sorted by id', () => {
    fc.assert(
      fc.property(purposesArb, (purposes) => {
        const expected = refRequired(purposes)
          .map((p) => p.id)
          .sort((a, b) => a - b);
        expect(requiredPurposes(purposes).map((p) => p.id)).toEqual(expected);
      }),
      RUNS
    );
  });

  it('fingerprints match exactly when every required purpose is valid, and one exists', () => {
    fc.assert(
      fc.property(subjectArb, ([purposes, states]) => {
        const stateOf = stateLookup(purposes, states);
        const required = refRequired(purposes);
        const expected = required.length > 0 && required.every((p) => refValid(p, stateOf(p.id)));
        const actual = hasValidConsent(
          subjectFingerprint(purposes, stateOf),
          currentFingerprint(purposes)
        );
        expect(actual).toBe(expected);
        expect(actual).toBe(
          required.length > 0 && required.every((p) => isValidFor(p, stateOf(p.id)))
        );
      }),
      RUNS
    );
  });

  it('the subject fingerprint does not depend on currentMajor', () => {
    const majorsArb = fc.array(fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }), {
      minLength: 6,
    });
    fc.assert(
      fc.property(subjectArb, majorsArb, ([purposes, states], majors) => {
        const stateOf = stateLookup(purposes, states);
        const republished = purposes.map((p, i) => ({ ...p, currentMajor: majors[i] }));
        expect(subjectFingerprint(republished, stateOf)).toBe(
          subjectFingerprint(purposes, stateOf)
        );
      }),
      RUNS
    );
  });

  /** Purposes with at least one required (and published) purpose, and a subject valid for all of them. */
  const validSubjectArb = fc
    .uniqueArray(purposeArb, { selector: (p) => p.id, minLength: 1, maxLength: 6 })
    .map(([first, ...rest]) => [
      { ...first, legalBasis: 'consent', required: true, active: true },
      ...rest,
    ])
    .map((ps) =>
      ps.map((p) => (refRequired([p]).length ? { ...p, currentMajor: p.currentMajor ?? 1 } : p))
    )
    .chain((purposes) => {
      const required = refRequired(purposes);
      const states = purposes.map((p) =>
        required.includes(p) ? givenArb(fc.constant(p.currentMajor), fc.constant(true)) : stateArb
      );
      return fc.tuple(
        fc.constant(purposes),
        fc.tuple(...states),
        fc.nat(required.length - 1),
        fc.nat(20)
      );
    });

  it('a substantive version of one required purpose invalidates every valid subject, without touching its fingerprint', () => {
    fc.assert(
      fc.property(validSubjectArb, ([purposes, states, pick, minor]) => {
        const stateOf = stateLookup(purposes, states);
        const held = subjectFingerprint(purposes, stateOf);
        expect(hasValidConsent(held, currentFingerprint(purposes))).toBe(true);

        const target = refRequired(purposes)[pick];
        const { version } = nextVersion(
          { major: target.currentMajor as number, minor },
          'substantive'
        );
        const after = purposes.map((p) =>
          p === target ? { ...p, currentMajor: version.major } : p
        );

        expect(subjectFingerprint(after, stateOf)).toBe(held);
        expect(currentFingerprint(after)).not.toBe(currentFingerprint(purposes));
        expect(hasValidConsent(held, currentFingerprint(after))).toBe(false);
        expect(purposeStatus(after.find((p) => p.id === target.id)!, stateOf(target.id))).toBe(
          'outdated'
        );
      }),
      RUNS
    );
  });

  it('an editorial version keeps every valid subject valid', () => {
    fc.assert(
      fc.property(validSubjectArb, ([purposes, states, pick, minor]) => {
        const stateOf = stateLookup(purposes, states);
        const target = refRequired(purposes)[pick];
        const { version } = nextVersion(
          { major: target.currentMajor as number, minor },
          'editorial'
        );
        const after = purposes.map((p) =>
          p === target ? { ...p, currentMajor: version.major } : p
        );

        expect(currentFingerprint(after)).toBe(currentFingerprint(purposes));
        expect(hasValidConsent(subjectFingerprint(after, stateOf), currentFingerprint(after))).toBe(
          true
        );
      }),
      RUNS
    );
  });
});
