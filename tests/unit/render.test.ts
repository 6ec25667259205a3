import fc from 'fast-check';
import {
  BUTTON_LABELS,
  DEFAULT_TEMPLATES,
  defaultTemplateSet,
} from '../../server/src/messages/default-templates';
import { greetingName, renderMessage } from '../../server/src/messages/render';
import {
  MESSAGE_KINDS,
  type MessageInput,
  type TemplateSet,
} from '../../server/src/messages/types';

const TOKEN = 'A'.repeat(43);
const LINKS = {
  respond: `https://salon.example/api/consent/r/${TOKEN}`,
  manage: `https://salon.example/api/consent/m/${TOKEN}`,
  unsubscribe: `https://salon.example/api/consent/u/${TOKEN}`,
};

const input = (over: Partial<MessageInput> = {}): MessageInput => ({
  kind: 'request',
  locale: 'en',
  name: 'Maja Berg',
  organisation: 'Salon Nordlys',
  purposes: [
    { key: 'storage', name: 'Storage', title: 'Sales and service', marketing: false },
    { key: 'marketing', name: 'Marketing', title: 'E-marketing', marketing: true },
  ],
  links: LINKS,
  expiresAt: new Date(Date.UTC(2026, 11, 8, 23, 30)),
  ...over,
});

const withBody = (body: string, sms = '{{link}}', subject = 'Subject'): TemplateSet => ({
  ...DEFAULT_TEMPLATES.en,
  request: { subject, body, sms },
});

/** The text a reader sees: tags removed, entities decoded. */
const visibleText = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('renderMessage: placeholders', () => {
  it('fills every placeholder of the plain-text part', () => {
    const message = renderMessage(DEFAULT_TEMPLATES.en, input());
    expect(message.subject).toBe('Salon Nordlys asks for your consent');
    expect(message.text).toBe(
      'Hello Maja Berg,\n\nSalon Nordlys asks for your consent to:\n- Sales and service\n- E-marketing\n\n' +
        `Read the text and answer here (the link works until December 8, 2026):\n${LINKS.respond}\n\n` +
        `You can withdraw your consent at any time: ${LINKS.manage}`
    );
    expect(message.sms).toBe(
      `Salon Nordlys asks for your consent. Read and answer: ${LINKS.respond}`
    );
  });

  it('points {{link}} at the preference page in information mails, and when there is nothing to answer', () => {
    expect(renderMessage(DEFAULT_TEMPLATES.en, input({ kind: 'information' })).text).toContain(
      `at any time:\n${LINKS.manage}`
    );
    expect(renderMessage(DEFAULT_TEMPLATES.en, input({ kind: 'information' })).text).not.toContain(
      LINKS.respond
    );
    const noRespond = renderMessage(
      withBody('{{link}}'),
      input({ links: { ...LINKS, respond: null } })
    );
    expect(noRespond.text).toBe(LINKS.manage);
  });

  it('formats {{expiresAt}} as a date in the message language, in UTC unless a time zone is given', () => {
    const template = withBody('{{expiresAt}}');
    expect(renderMessage(template, input()).text).toBe('December 8, 2026');
    expect(renderMessage(template, input({ locale: 'da' })).text).toBe('8. december 2026');
    expect(renderMessage(template, input({ locale: 'sv' })).text).toBe('8 december 2026');
    expect(
      renderMessage(template, input({ locale: 'da', timeZone: 'Europe/Copenhagen' })).text
    ).toBe('9. december 2026');
    expect(() => renderMessage(template, input({ timeZone: 'Mars/Olympus' }))).toThrow(RangeError);
  });

  it('keeps unknown placeholders literally, so a typo shows in the test mail', () => {
    expect(renderMessage(withBody('Hi {{nmae}} {{ name }}'), input()).text).toBe(
      'Hi {{nmae}} Maja Berg'
    );
  });

  it('substitutes once: a value that looks like a placeholder stays text', () => {
    const message = renderMessage(
      withBody('{{name}} / {{organisation}}'),
      input({ name: '{{link}}', organisation: '{{manageLink}}' })
    );
    expect(message.text).toBe('{{link}} / {{manageLink}}');
  });

  it('leaves out a missing name without a stray space', () => {
    expect(
      renderMessage(DEFAULT_TEMPLATES.en, input({ name: null })).text.startsWith('Hello,\n')
    ).toBe(true);
    expect(
      renderMessage(DEFAULT_TEMPLATES.da, input({ name: '   ', locale: 'da' })).text.startsWith(
        'Hej,\n'
      )
    ).toBe(true);
  });

  it('keeps values on one line: a name with line breaks cannot add lines or headers', () => {
    const message = renderMessage(
      withBody('Dear {{name}}', '{{link}}', 'For {{name}}'),
      input({ name: 'Maja\r\nBcc Berg' })
    );
    expect(message.subject).toBe('For Maja Bcc Berg');
    expect(message.text).toBe('Dear Maja Bcc Berg');
  });

  it('leaves out a name that could read as a link or an address: no caller-chosen text becomes a link', () => {
    for (const name of [
      'https://evil.example/x',
      'Visit www.evil',
      'evil.example',
      'Maja bit.ly/x',
      'x@example.com',
      'javascript:alert(1)',
      'Maja ftp:x',
    ]) {
      const message = renderMessage(
        withBody('Hello {{name}},\n\n{{link}}', '{{link}}', 'For {{name}}'),
        input({ name })
      );
      expect(message.text.startsWith('Hello,\n')).toBe(true);
      expect(message.subject).toBe('For');
      expect(message.html).not.toContain(name);
    }
    for (const name of [
      'Maja Berg',
      "O'Brien",
      'Anne-Sofie Ødegård',
      'J. R. Smith',
      'Dr. Hansen',
    ]) {
      expect(
        renderMessage(withBody('Hello {{name}},', '{{link}}', 'x'), input({ name })).text
      ).toBe(`Hello ${name},`);
    }
  });

  it('lists purposes one per line in the text part and on one line in subject and SMS', () => {
    const message = renderMessage(
      withBody('{{purposes}}', 'For {{purposes}}: {{link}}', 'About {{purposes}}'),
      input()
    );
    expect(message.text).toBe('- Sales and service\n- E-marketing');
    expect(message.sms).toBe(`For Sales and service, E-marketing: ${LINKS.respond}`);
    expect(message.subject).toBe('About Sales and service, E-marketing');
  });
});

describe('renderMessage: HTML part', () => {
  it('is a document in the message language with the main link as a button and the others as links', () => {
    const { html } = renderMessage(DEFAULT_TEMPLATES.sv, input({ locale: 'sv' }));
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="sv">/);
    expect(html).toContain('<title>Salon Nordlys ber om ditt samtycke</title>');
    expect(html).toMatch(
      new RegExp(`<a href="${LINKS.respond}" style="display:inline-block;[^"]*">Läs och svara</a>`)
    );
    expect(html).toMatch(new RegExp(`<a href="${LINKS.manage}" style="[^"]*">${LINKS.manage}</a>`));
    expect(html).toContain(
      '<ul style="margin:0 0 16px;padding-left:24px"><li>Sales and service</li><li>E-marketing</li></ul>'
    );
    expect(html).toContain('<p style="margin:0 0 16px">Hej Maja Berg,</p>');
  });

  it('escapes the values: a client called <script> is text', () => {
    const { html } = renderMessage(
      DEFAULT_TEMPLATES.en,
      input({
        name: '<script>alert("x")</script>',
        organisation: "Tom & Jerry's <b>",
        purposes: [
          { key: 'k', name: 'k', title: '<img src=x onerror=alert(1)>', marketing: false },
        ],
      })
    );
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain('Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,');
    expect(html).toContain('Tom &amp; Jerry&#39;s &lt;b&gt;');
    expect(html).toContain('<li>&lt;img src=x onerror=alert(1)&gt;</li>');
  });

  it('escapes the template text itself: <b> in a template is text', () => {
    const { html, text } = renderMessage(
      withBody('Hello <b>{{name}}</b> & "friends"', '{{link}}', '<i>Hi</i>'),
      input()
    );
    expect(html).toContain('Hello &lt;b&gt;Maja Berg&lt;/b&gt; &amp; &quot;friends&quot;');
    expect(html).toContain('<title>&lt;i&gt;Hi&lt;/i&gt;</title>');
    expect(html).not.toMatch(/<b>|<i>/);
    expect(text).toBe('Hello <b>Maja Berg</b> & "friends"');
  });

  it("links the template's own web addresses, never a value's, and nothing but http(s)", () => {
    const { html } = renderMessage(
      withBody('See https://salon.example/privacy. {{name}}'),
      input({ name: 'https://evil.example/' })
    );
    expect(html).toContain('<a href="https://salon.example/privacy" style=');
    expect(html).not.toContain('href="https://evil.example/');
    const script = renderMessage(
      withBody('{{link}}'),
      input({ links: { ...LINKS, respond: 'javascript:alert(1)' } })
    );
    expect(script.html).not.toContain('href=');
    expect(script.html).toContain('javascript:alert(1)');
  });

  it('keeps paragraphs and line breaks of the body', () => {
    const { html } = renderMessage(withBody('One\nTwo\n\n\nThree'), input());
    expect(html).toContain(
      '<p style="margin:0 0 16px">One<br>\nTwo</p>\n<p style="margin:0 0 16px">Three</p>'
    );
  });
});

describe('renderMessage: headers', () => {
  it('offers one-click unsubscribe (RFC 8058) when a marketing purpose is concerned', () => {
    expect(renderMessage(DEFAULT_TEMPLATES.en, input()).headers).toEqual({
      'List-Unsubscribe': `<${LINKS.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('adds no unsubscribe headers without a marketing purpose or without a link', () => {
    const noMarketing = input({
      purposes: [{ key: 's', name: 's', title: 'Service', marketing: false }],
    });
    expect(renderMessage(DEFAULT_TEMPLATES.en, noMarketing).headers).toEqual({});
    expect(
      renderMessage(DEFAULT_TEMPLATES.en, input({ links: { ...LINKS, unsubscribe: null } })).headers
    ).toEqual({});
  });

  it.each(['/api/consent/u/x', 'mailto:x@example.com', 'javascript:alert(1)', 'not a url'])(
    'refuses %s as an unsubscribe address',
    (url) => {
      expect(() =>
        renderMessage(DEFAULT_TEMPLATES.en, input({ links: { ...LINKS, unsubscribe: url } }))
      ).toThrow(/absolute http\(s\) URL/);
    }
  );

  it('cannot be split by a line break in the address', () => {
    const { headers } = renderMessage(
      DEFAULT_TEMPLATES.en,
      input({ links: { ...LINKS, unsubscribe: 'https://salon.example/u/x\r\nBcc: a@b.c' } })
    );
    expect(headers['List-Unsubscribe']).not.toMatch(/[\r\n]/);
  });
});

describe('bundled templates', () => {
  const locales = Object.keys(DEFAULT_TEMPLATES);

  it('exist for English, Danish and Swedish, with a button label each', () => {
    expect(locales.sort()).toEqual(['da', 'en', 'sv']);
    expect(Object.keys(BUTTON_LABELS).sort()).toEqual(locales);
    expect(defaultTemplateSet('da-DK')).toBe(DEFAULT_TEMPLATES.da);
    expect(defaultTemplateSet('fi')).toBe(DEFAULT_TEMPLATES.en);
  });

  it('use the same placeholders in every language', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const locale of locales) {
      for (const kind of MESSAGE_KINDS) {
        for (const part of ['subject', 'body', 'sms'] as const) {
          expect([locale, kind, part, placeholders(DEFAULT_TEMPLATES[locale][kind][part])]).toEqual(
            [locale, kind, part, placeholders(DEFAULT_TEMPLATES.en[kind][part])]
          );
        }
      }
    }
  });

  it.each(locales.flatMap((locale) => MESSAGE_KINDS.map((kind) => [locale, kind] as const)))(
    '%s %s renders completely, and its SMS fits one message',
    (locale, kind) => {
      const message = renderMessage(
        DEFAULT_TEMPLATES[locale],
        input({ locale, kind, organisation: 'Klinik for Fodterapi' })
      );
      const link = kind === 'information' ? LINKS.manage : LINKS.respond;
      for (const part of [message.subject, message.text, message.sms, message.html])
        expect(part).not.toMatch(/\{\{|\}\}/);
      expect(message.text).toContain('Maja Berg');
      expect(message.text).toContain('- Sales and service\n- E-marketing');
      expect(message.text).toContain(link);
      expect(message.html).toContain(`<html lang="${locale}">`);
      expect(message.html).toContain(`>${BUTTON_LABELS[locale][kind]}</a>`);
      expect(message.sms).toContain(link);
      expect(message.sms.length).toBeLessThanOrEqual(160);
      if (kind !== 'information')
        expect(message.text).toContain(
          new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
            input().expiresAt!
          )
        );
    }
  );
});

describe('renderMessage: no value can inject markup (property)', () => {
  const nasty = fc.string({
    unit: fc.constantFrom(
      '<',
      '>',
      '&',
      '"',
      "'",
      '/',
      '=',
      ' ',
      '\n',
      'a',
      'b',
      'p',
      'h',
      't',
      ':',
      '.',
      '{',
      '}'
    ),
    maxLength: 40,
  });
  const value = fc.oneof(
    nasty,
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('<script>alert(1)</script>', '"><a href="x">', '&lt;', 'https://evil.example/')
  );
  const template = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '{{name}}',
          '{{organisation}}',
          '{{purposes}}',
          '{{link}}',
          '{{manageLink}}',
          '{{expiresAt}}',
          '\n',
          '\n\n'
        ),
        nasty
      ),
      { maxLength: 12 }
    )
    .map((parts) => parts.join(''));

  /** Tag names and attribute names, in order: the document's structure, which only the renderer may decide. */
  const structure = (html: string): string[] =>
    [...html.matchAll(/<[^>]*>/g)].map((m) => m[0].replace(/="[^"]*"/g, '=""'));

  const neutral = (v: string | null) =>
    v && v.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim() ? 'x' : '';

  it('gives the same structure as harmless values, and shows every value as text', () => {
    fc.assert(
      fc.property(
        value,
        value,
        fc.array(fc.tuple(value, value, fc.boolean()), { maxLength: 4 }),
        template,
        (name, organisation, purposes, body) => {
          const make = (n: string, o: string, p: [string, string, boolean][]) =>
            renderMessage(
              withBody(body, '{{link}}', '{{name}} {{organisation}}'),
              input({
                name: n,
                organisation: o,
                purposes: p.map(([title, key, marketing]) => ({
                  key,
                  name: key,
                  title,
                  marketing,
                })),
              })
            );
          const real = make(name, organisation, purposes);
          const plain = make(
            neutral(greetingName(name)),
            neutral(organisation),
            purposes.map(([t, k, m]) => [neutral(t), neutral(k), m])
          );

          expect(structure(real.html)).toEqual(structure(plain.html));
          // Every tag is well formed: quoted attributes without quotes or angle brackets inside.
          for (const tag of real.html.match(/<[^>]*>/g) ?? [])
            expect(tag).toMatch(/^<\/?[a-zA-Z!]+(\s+[a-zA-Z-]+(="[^"<>]*")?)*\s*>$/);
          // No stray markup characters, and every entity is one the renderer writes.
          const text = real.html.replace(/<[^>]*>/g, '');
          expect(text).not.toMatch(/[<>"]/);
          expect(text.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
          const shown = visibleText(real.html);
          expect(shown).toContain(greetingName(name));
          expect(shown).toContain(organisation.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim());
        }
      ),
      { numRuns: 500 }
    );
  });
});
