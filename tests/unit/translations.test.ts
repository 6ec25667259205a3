import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', '..', 'admin', 'src', 'translations');
const read = (locale: string): Record<string, string> =>
  JSON.parse(readFileSync(join(dir, `${locale}.json`), 'utf8'));

/** ICU arguments ({count}, {name}, ...) outside quoted literals such as '{{link}}'. */
const argumentsOf = (message: string) =>
  [...message.replace(/'[^']*'/g, '').matchAll(/\{\s*(\w+)\s*[,}]/g)].map((m) => m[1]).sort();

describe('admin translations', () => {
  const en = read('en');

  it.each(['da', 'sv'])('%s has exactly the keys of en', (locale) => {
    expect(Object.keys(read(locale)).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(['da', 'sv'])('%s uses the same message arguments as en', (locale) => {
    const other = read(locale);
    for (const key of Object.keys(en)) {
      expect({ key, args: argumentsOf(other[key] ?? '') }).toEqual({
        key,
        args: argumentsOf(en[key]),
      });
    }
  });

  it.each(['en', 'da', 'sv'])('%s has no empty message', (locale) => {
    expect(Object.entries(read(locale)).filter(([, value]) => !value.trim())).toEqual([]);
  });
});
