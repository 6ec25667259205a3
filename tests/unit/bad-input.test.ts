import { findBadInput } from '../../server/src/middlewares/bad-input';
import { pickLocale, stringsFor } from '../../server/src/pages';
import { own } from '../../server/src/utils/own';

/** Request input that names a property of every object finds nothing (issue 18: a 500 on every consent page). */
describe('lookups keyed by request input', () => {
  it.each([
    '__proto__',
    'constructor',
    'toString',
    '__proto__-DK',
    'constructor;q=0.9, hasOwnProperty',
  ])('Accept-Language %s falls back to the default', (header) => {
    expect(pickLocale({ acceptLanguage: header, defaultLocale: 'da' })).toBe('da');
    expect(pickLocale({ requestLocale: header, defaultLocale: 'sv' })).toBe('sv');
  });

  it('strings of an unknown locale are the English ones', () => {
    expect(stringsFor('constructor')).toBe(stringsFor('en'));
    expect(stringsFor('__proto__')).toBe(stringsFor('en'));
  });

  it('own() reads own properties only', () => {
    expect(own({ a: 1 }, 'a')).toBe(1);
    expect(own({ a: 1 }, 'constructor')).toBeUndefined();
    expect(own(JSON.parse('{"__proto__": 2}') as Record<string, number>, '__proto__')).toBe(2);
    expect(own(undefined, 'a')).toBeUndefined();
  });
});

describe('findBadInput', () => {
  it('lets ordinary input through', () => {
    expect(
      findBadInput({ data: { name: 'Åse Ørsted 😀', list: [1, 'a', null, { b: true }] } })
    ).toBeNull();
  });

  it.each([
    ['a NUL byte', { q: 'a\u0000b' }, ['q']],
    ['a lone surrogate', { data: { name: 'a\uD800' } }, ['data', 'name']],
    ['a prototype key', JSON.parse('{"data":{"__proto__":{}}}'), ['data', '__proto__']],
    [
      'constructor',
      { data: { contact: { constructor: 'x' } } },
      ['data', 'contact', 'constructor'],
    ],
    ['toString in an array item', { data: [{ toString: 1 }] }, ['data', '0', 'toString']],
  ])('refuses %s, naming where', (_what, input, path) => {
    const problem = findBadInput(input);
    expect(problem?.name).toBe('ValidationError');
    expect((problem?.details as { errors: { path: string[] }[] }).errors[0].path).toEqual(path);
  });

  it('refuses input nested too deeply', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i += 1) deep = { a: deep };
    expect(findBadInput(deep)?.message).toBe('nested too deeply');
  });
});
