import fc from 'fast-check';
import {
  bodyHash,
  formatVersion,
  nextVersion,
  parseVersion,
  type Version,
} from '../../server/src/domain/version';

const RUNS = { numRuns: 1000 };

/** The largest part parseVersion accepts: at most six digits. */
const MAX_PART = 999_999;
const partArb = fc.integer({ min: 0, max: MAX_PART });
const versionArb: fc.Arbitrary<Version> = fc.record({ major: partArb, minor: partArb });

describe('nextVersion', () => {
  it('the first publication is 1.0 "initial", whatever the editor chose', () => {
    expect(nextVersion(null, 'substantive')).toEqual({
      version: { major: 1, minor: 0 },
      changeKind: 'initial',
    });
    expect(nextVersion(null, 'editorial')).toEqual({
      version: { major: 1, minor: 0 },
      changeKind: 'initial',
    });
  });

  it('examples: 1.0 -> 2.0 substantive, 2.3 -> 2.4 editorial', () => {
    expect(nextVersion({ major: 1, minor: 0 }, 'substantive')).toEqual({
      version: { major: 2, minor: 0 },
      changeKind: 'substantive',
    });
    expect(nextVersion({ major: 2, minor: 3 }, 'editorial')).toEqual({
      version: { major: 2, minor: 4 },
      changeKind: 'editorial',
    });
  });

  it('a substantive change is MAJOR+1.0', () => {
    fc.assert(
      fc.property(versionArb, (current) => {
        expect(nextVersion(current, 'substantive')).toEqual({
          version: { major: current.major + 1, minor: 0 },
          changeKind: 'substantive',
        });
      }),
      RUNS
    );
  });

  it('an editorial change is MINOR+1 and keeps the major', () => {
    fc.assert(
      fc.property(versionArb, (current) => {
        expect(nextVersion(current, 'editorial')).toEqual({
          version: { major: current.major, minor: current.minor + 1 },
          changeKind: 'editorial',
        });
      }),
      RUNS
    );
  });

  it('every publication is strictly greater than the previous one, and does not mutate it', () => {
    fc.assert(
      fc.property(
        versionArb,
        fc.constantFrom('substantive' as const, 'editorial' as const),
        (current, kind) => {
          const before = { ...current };
          const { version } = nextVersion(current, kind);
          expect(current).toEqual(before);
          const greater =
            version.major > current.major ||
            (version.major === current.major && version.minor > current.minor);
          expect(greater).toBe(true);
        }
      ),
      RUNS
    );
  });
});

describe('formatVersion / parseVersion', () => {
  it('formats as MAJOR.MINOR', () => {
    expect(formatVersion({ major: 3, minor: 12 })).toBe('3.12');
    expect(formatVersion({ major: 0, minor: 0 })).toBe('0.0');
  });

  it('parses canonical versions', () => {
    expect(parseVersion('1.0')).toEqual({ major: 1, minor: 0 });
    expect(parseVersion('10.25')).toEqual({ major: 10, minor: 25 });
    expect(parseVersion('0.0')).toEqual({ major: 0, minor: 0 });
  });

  it.each([
    '01.0',
    '1.00',
    '1',
    '1.0.0',
    '-1.0',
    '1.-1',
    'a.b',
    '',
    '.',
    '1.',
    '.1',
    ' 1.0',
    '1.0 ',
    '1.0\n',
    '+1.0',
    '1e3.0',
    '1,0',
    '0x1.0',
  ])('rejects %j', (input) => {
    expect(parseVersion(input)).toBeNull();
  });

  it('parseVersion(formatVersion(v)) round-trips for random versions', () => {
    fc.assert(
      fc.property(versionArb, (v) => {
        expect(parseVersion(formatVersion(v))).toEqual(v);
      }),
      RUNS
    );
  });

  it('whatever string parses is canonical: formatting it back gives the same string', () => {
    const unit = fc.constantFrom('0', '1', '2', '9', '.', '-', 'a', ' ', 'e');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 8 }), (input) => {
        const parsed = parseVersion(input);
        if (parsed !== null) expect(formatVersion(parsed)).toBe(input);
      }),
      { numRuns: 3000 }
    );
  });
});

describe('bodyHash', () => {
  const HEX64 = /^[0-9a-f]{64}$/;

  it('is the SHA-256 of the JSON pair [title, text] (vectors computed with sha256sum)', () => {
    // printf '%s' '["Marketing","We send you offers."]' | sha256sum
    expect(bodyHash({ title: 'Marketing', text: 'We send you offers.' })).toBe(
      '7c6612f11c170a7ab0c29253b217d6390b241167b328bfb81ba67786cb9b496d'
    );
    // printf '%s' '["",""]' | sha256sum
    expect(bodyHash({ title: '', text: '' })).toBe(
      '439083f38956ba51ece90631552c6ea23c5c29570d3d5710e408e77e01ba7375'
    );
  });

  it('hashes non-ASCII text as UTF-8', () => {
    // printf '%s' '["Données de santé","Ω 😀"]' | sha256sum   (a UTF-8 terminal)
    expect(bodyHash({ title: 'Donn\u00e9es de sant\u00e9', text: '\u03a9 \ud83d\ude00' })).toBe(
      '8015e1edb018ea27ce8256ef0c08ce1ec36c93a418f199ef5931b9b7d0fa6b32'
    );
  });

  it('does not confuse where the title ends and the text begins', () => {
    expect(bodyHash({ title: 'ab', text: 'c' })).not.toBe(bodyHash({ title: 'a', text: 'bc' }));
    expect(bodyHash({ title: 'a', text: '' })).not.toBe(bodyHash({ title: '', text: 'a' }));
    expect(bodyHash({ title: 'a\n', text: 'b' })).not.toBe(bodyHash({ title: 'a', text: '\nb' }));
  });

  it('is a 64-hex string and stable for the same body', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (title, text) => {
        const hash = bodyHash({ title, text });
        expect(hash).toMatch(HEX64);
        expect(bodyHash({ title: `${title}`, text: `${text}` })).toBe(hash);
      }),
      RUNS
    );
  });

  it('differs whenever the title or the text differs', () => {
    // A tiny alphabet makes near-collisions (shifted boundaries, quotes, escapes) likely.
    const small = fc.string({
      unit: fc.constantFrom(
        'a',
        'b',
        ' ',
        '\n',
        '"',
        '\\',
        ',',
        '\u00e9',
        '\u01e9',
        '\ud83d\ude00'
      ),
      maxLength: 4,
    });
    fc.assert(
      fc.property(small, small, small, small, (t1, x1, t2, x2) => {
        fc.pre(t1 !== t2 || x1 !== x2);
        expect(bodyHash({ title: t1, text: x1 })).not.toBe(bodyHash({ title: t2, text: x2 }));
      }),
      RUNS
    );
  });

  it('changing only the title, or only the text, changes the hash', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (title, text, other) => {
        fc.pre(other !== title && other !== text);
        const hash = bodyHash({ title, text });
        expect(bodyHash({ title: other, text })).not.toBe(hash);
        expect(bodyHash({ title, text: other })).not.toBe(hash);
      }),
      RUNS
    );
  });
});
