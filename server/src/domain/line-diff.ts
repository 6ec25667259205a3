/**
 * A line diff of two texts (longest common subsequence), for the preview of a new
 * text version against the current one. Pure: no Strapi, no database.
 */
export type DiffOp = 'same' | 'add' | 'remove';
export interface DiffLine {
  op: DiffOp;
  text: string;
}

/** Lines of a text; CRLF and CR count as line breaks too. An empty text has no lines. */
export const splitLines = (text: string): string[] =>
  text === '' ? [] : text.replace(/\r\n?/g, '\n').split('\n');

/**
 * The edit script turning `from` into `to`, line by line, in reading order:
 * unchanged lines are `same`, and at a change the removed lines come before the
 * added ones. The common prefix and suffix are taken first, so the O(n·m) table
 * only covers the changed middle (texts of a few hundred lines stay cheap).
 */
export const diffLines = (from: string, to: string): DiffLine[] =>
  diffTokens(splitLines(from), splitLines(to));

/** The edit script of two token lists (lines, words): see diffLines(). */
const diffTokens = (a: string[], b: string[]): DiffLine[] => {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  // lcs[i][j]: length of the LCS of midA[i..] and midB[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i][j] =
        midA[i] === midB[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const middle: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      middle.push({ op: 'same', text: midA[i] });
      i += 1;
      j += 1;
    } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      middle.push({ op: 'remove', text: midA[i] });
      i += 1;
    } else {
      middle.push({ op: 'add', text: midB[j] });
      j += 1;
    }
  }
  return [
    ...a.slice(0, start).map((text) => ({ op: 'same' as const, text })),
    ...middle,
    ...a.slice(endA).map((text) => ({ op: 'same' as const, text })),
  ];
};

/** Above this many words on either side the share is measured on lines (the word table would be large). */
const MAX_WORDS = 5000;

/**
 * How much of a text changed, as the share of words removed or added among the words
 * of both versions (0: the same words; 1: nothing in common), with the counts. A typo
 * fixed in one paragraph is a few per cent; a rewritten text is most of it. Texts of
 * more than MAX_WORDS words are measured on lines instead.
 */
export const changedShare = (
  from: string,
  to: string
): { share: number; removed: number; added: number; unit: 'word' | 'line' } => {
  const words = (text: string) => text.split(/\s+/).filter(Boolean);
  let a = words(from);
  let b = words(to);
  let unit: 'word' | 'line' = 'word';
  if (a.length > MAX_WORDS || b.length > MAX_WORDS) {
    a = splitLines(from);
    b = splitLines(to);
    unit = 'line';
  }
  const ops = diffTokens(a, b);
  const removed = ops.filter((o) => o.op === 'remove').length;
  const added = ops.filter((o) => o.op === 'add').length;
  const total = a.length + b.length;
  return { share: total === 0 ? 0 : (removed + added) / total, removed, added, unit };
};
