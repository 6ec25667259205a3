import fc from 'fast-check';
import { changedShare, diffLines, splitLines } from '../../server/src/domain/line-diff';

const apply = (lines: ReturnType<typeof diffLines>, side: 'from' | 'to') =>
  lines
    .filter((l) => l.op === 'same' || l.op === (side === 'from' ? 'remove' : 'add'))
    .map((l) => l.text);

/** Length of a longest common subsequence, by the textbook recursion (reference). */
const lcsLength = (a: string[], b: string[]): number => {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i += 1)
    for (let j = 1; j <= b.length; j += 1)
      t[i][j] = a[i - 1] === b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
  return t[a.length][b.length];
};

describe('line diff', () => {
  it('marks unchanged, removed and added lines in reading order', () => {
    expect(diffLines('a\nb\nc', 'a\nB\nc\nd')).toEqual([
      { op: 'same', text: 'a' },
      { op: 'remove', text: 'b' },
      { op: 'add', text: 'B' },
      { op: 'same', text: 'c' },
      { op: 'add', text: 'd' },
    ]);
  });

  it('handles empty texts and CRLF line breaks', () => {
    expect(diffLines('', '')).toEqual([]);
    expect(diffLines('', 'x')).toEqual([{ op: 'add', text: 'x' }]);
    expect(diffLines('x\r\ny', 'x\ny')).toEqual([
      { op: 'same', text: 'x' },
      { op: 'same', text: 'y' },
    ]);
    expect(splitLines('a\rb')).toEqual(['a', 'b']);
  });

  it('rebuilds both texts and keeps a longest common subsequence (property)', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 12 })
      .map((l) => l.join('\n'));
    fc.assert(
      fc.property(text, text, (from, to) => {
        const diff = diffLines(from, to);
        expect(apply(diff, 'from')).toEqual(splitLines(from));
        expect(apply(diff, 'to')).toEqual(splitLines(to));
        expect(diff.filter((l) => l.op === 'same')).toHaveLength(
          lcsLength(splitLines(from), splitLines(to))
        );
      })
    );
  });
});

describe('changedShare', () => {
  it('is 0 for the same words, 1 for nothing in common, and counts words removed and added', () => {
    expect(changedShare('a b c', 'a  b\nc')).toEqual({
      share: 0,
      removed: 0,
      added: 0,
      unit: 'word',
    });
    expect(changedShare('a b', 'c d')).toEqual({ share: 1, removed: 2, added: 2, unit: 'word' });
    expect(changedShare('', '')).toEqual({ share: 0, removed: 0, added: 0, unit: 'word' });
    // One word of ten replaced: 2 of 20 words.
    const ten = 'one two three four five six seven eight nine ten';
    expect(changedShare(ten, ten.replace('five', 'FIVE')).share).toBeCloseTo(0.1);
  });

  it('measures very long texts on lines', () => {
    const long = Array.from({ length: 6000 }, (_, i) => `w${i}`).join(' ');
    expect(changedShare(long, `${long}\nmore`).unit).toBe('line');
  });

  it('is symmetric and between 0 and 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }),
        (a, b) => {
          const x = changedShare(a.join(' '), b.join(' '));
          const y = changedShare(b.join(' '), a.join(' '));
          expect(x.share).toBeCloseTo(y.share);
          expect(x.share).toBeGreaterThanOrEqual(0);
          expect(x.share).toBeLessThanOrEqual(1);
          expect(x.removed).toBe(y.added);
        }
      )
    );
  });
});
