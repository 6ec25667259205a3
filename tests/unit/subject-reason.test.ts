import {
  subjectReason,
  subjectStatus,
  type PurposeRules,
  type PurposeState,
} from '../../server/src/domain/state-machine';

const purpose = (id: number, over: Partial<PurposeRules> = {}): PurposeRules => ({
  id,
  legalBasis: 'consent',
  specialCategory: false,
  required: true,
  active: true,
  currentMajor: 2,
  ...over,
});
const state = (decision: PurposeState['decision'], textMajor = 2): PurposeState => ({
  decision,
  event: { id: 1, decision, occurredAt: 0, textMajor, explicit: false },
});

describe('the summary reason and the subject status', () => {
  it('takes the strongest decision among required purposes; missing before given', () => {
    const ps = [purpose(1), purpose(2), purpose(3, { required: false })];
    const of = (m: Record<number, PurposeState | null>) => (id: number) => m[id] ?? null;
    expect(
      subjectReason(ps, of({ 1: state('given'), 2: state('withdrawn'), 3: state('revoked') }))
    ).toBe('withdrawn');
    expect(subjectReason(ps, of({ 1: state('refused'), 2: state('revoked') }))).toBe('revoked');
    expect(subjectReason(ps, of({ 1: state('expired'), 2: state('refused') }))).toBe('refused');
    expect(subjectReason(ps, of({ 1: state('given', 1) }))).toBe('missing');
    expect(subjectReason(ps, of({ 1: state('given', 1), 2: state('given') }))).toBe('given');
    expect(subjectReason([], of({}))).toBe('missing');
  });

  it('derives the status: valid, else given means outdated, else the reason', () => {
    expect(subjectStatus(true, 'given')).toBe('valid');
    expect(subjectStatus(false, 'given')).toBe('outdated');
    expect(subjectStatus(false, 'withdrawn')).toBe('withdrawn');
    expect(subjectStatus(false, null)).toBe('missing');
  });
});
