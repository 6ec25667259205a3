import fc from 'fast-check';
import { isLeftToAsk, type PurposeToAsk, type StateToAsk } from '../../server/src/domain/asking';
import { isValidFor, purposeStatus } from '../../server/src/domain/state-machine';

const purpose: PurposeToAsk = {
  currentMajor: 2,
  specialCategory: false,
  currentMajorReleasedAt: 1000,
};
const state = (over: Partial<StateToAsk>): StateToAsk => ({
  decision: 'given',
  textMajor: 2,
  explicit: false,
  decidedAt: 2000,
  ...over,
});

describe('isLeftToAsk (what a campaign asks about one purpose)', () => {
  it('asks with no decision, an expired request or a revoked consent', () => {
    expect(isLeftToAsk(purpose, null, false)).toBe(true);
    expect(isLeftToAsk(purpose, state({ decision: 'expired' }), false)).toBe(true);
    expect(isLeftToAsk(purpose, state({ decision: 'revoked' }), false)).toBe(true);
  });

  it('asks a consent to an older major or without the explicit tick, not a valid one', () => {
    expect(isLeftToAsk(purpose, state({}), false)).toBe(false);
    expect(isLeftToAsk(purpose, state({ textMajor: 1 }), false)).toBe(true);
    const special = { ...purpose, specialCategory: true };
    expect(isLeftToAsk(special, state({}), false)).toBe(true);
    expect(isLeftToAsk(special, state({ explicit: true }), false)).toBe(false);
  });

  it('asks a refusal or withdrawal again only after a newer major came out since, or on purpose', () => {
    for (const decision of ['refused', 'withdrawn'] as const) {
      // About the current major: never, whenever it came out.
      expect(isLeftToAsk(purpose, state({ decision, decidedAt: 500 }), false)).toBe(false);
      // About version 1, version 2 out after it: asked.
      expect(isLeftToAsk(purpose, state({ decision, textMajor: 1, decidedAt: 500 }), false)).toBe(
        true
      );
      // About version 1 but decided after version 2 came out (a withdrawal of an outdated consent).
      expect(isLeftToAsk(purpose, state({ decision, textMajor: 1, decidedAt: 2000 }), false)).toBe(
        false
      );
      expect(isLeftToAsk(purpose, state({ decision }), true)).toBe(true);
    }
  });

  it('never asks a valid consent, and asks whatever the state machine calls missing, outdated, expired or revoked', () => {
    fc.assert(
      fc.property(
        fc.record({
          currentMajor: fc.integer({ min: 1, max: 5 }),
          specialCategory: fc.boolean(),
          currentMajorReleasedAt: fc.integer({ min: 0, max: 10 }),
        }),
        fc.option(
          fc.record({
            decision: fc.constantFrom(
              'given',
              'refused',
              'withdrawn',
              'revoked',
              'expired' as const
            ),
            textMajor: fc.option(fc.integer({ min: 1, max: 5 })),
            explicit: fc.boolean(),
            decidedAt: fc.integer({ min: 0, max: 10 }),
          })
        ),
        fc.boolean(),
        (p, s, again) => {
          const rules = { id: 1, legalBasis: 'consent', required: false, active: true, ...p };
          const folded = s && {
            decision: s.decision,
            event: {
              id: 1,
              decision: s.decision,
              occurredAt: s.decidedAt,
              textMajor: s.textMajor,
              explicit: s.explicit,
            },
          };
          const status = purposeStatus(rules, folded);
          const asked = isLeftToAsk(p, s, again);
          if (folded && isValidFor(rules, folded)) expect(asked).toBe(false);
          if (['missing', 'outdated', 'expired', 'revoked'].includes(status))
            expect(asked).toBe(true);
          if (again && (status === 'refused' || status === 'withdrawn')) expect(asked).toBe(true);
        }
      ),
      { numRuns: 500 }
    );
  });
});
