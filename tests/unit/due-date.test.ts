import fc from 'fast-check';
import { addCalendarMonths, dueDate } from '../../server/src/domain/due-date';

describe('due date (Art. 12(3): one calendar month, extendable once by two)', () => {
  it.each([
    ['2026-01-31T10:00:00.000Z', 1, '2026-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00.000Z', 1, '2028-02-29T10:00:00.000Z'],
    ['2026-03-31T23:59:59.999Z', 1, '2026-04-30T23:59:59.999Z'],
    ['2026-12-15T08:30:00.000Z', 1, '2027-01-15T08:30:00.000Z'],
    ['2026-11-30T00:00:00.000Z', 3, '2027-02-28T00:00:00.000Z'],
  ])('%s + %i month(s) = %s', (from, months, expected) => {
    expect(addCalendarMonths(new Date(from), months).toISOString()).toBe(expected);
  });

  it('the extension counts from receipt: received 31 Jan, extended by 2 -> 30 April', () => {
    expect(dueDate(new Date('2026-01-31T10:00:00Z'), 2).toISOString()).toBe(
      '2026-04-30T10:00:00.000Z'
    );
  });

  it('is always later than receipt, at most 31 days later per month, and keeps the time of day', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 2 }),
        (received, extension) => {
          const due = dueDate(received, extension);
          const days = (due.getTime() - received.getTime()) / 86_400_000;
          expect(days).toBeGreaterThanOrEqual(28 * (1 + extension) - 3);
          expect(days).toBeLessThanOrEqual(31 * (1 + extension));
          expect(due.toISOString().slice(10)).toBe(received.toISOString().slice(10));
        }
      )
    );
  });
});
