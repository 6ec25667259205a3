import fc from 'fast-check';
import { DEFAULT_TEMPLATES, defaultTemplateSet } from '../../server/src/messages/default-templates';
import {
  greetingName,
  messageRenderer,
  renderMessage,
  type MessageShape,
} from '../../server/src/messages/render';
import {
  MESSAGE_KINDS,
  type MessageInput,
  type MessageTemplate,
  type RenderedMessage,
  type TemplateSet,
} from '../../server/src/messages/types';

const BASES = {
  respond: 'https://salon.example/api/consent/r/',
  manage: 'https://salon.example/api/consent/m/',
  unsubscribe: 'https://salon.example/api/consent/u/',
};
const PURPOSES: MessageInput['purposes'] = [
  { key: 'storage', name: 'Storage', title: 'Sales and service', marketing: false },
  { key: 'booking', name: 'Booking', title: 'Booking reminders', marketing: false },
  { key: 'marketing', name: 'Marketing', title: 'E-marketing', marketing: true },
];

const shapeOf = (over: Partial<MessageShape> = {}): MessageShape => ({
  kind: 'request',
  locale: 'en',
  organisation: 'Salon Nordlys',
  purposes: PURPOSES,
  linkBases: BASES,
  expiresAt: new Date(Date.UTC(2026, 11, 8, 23, 30)),
  ...over,
});

/** What renderMessage gives for the same message, spelled out as the caller of messageRenderer would. */
const reference = (
  template: TemplateSet,
  shape: MessageShape,
  name: string | null | undefined,
  token: string
): RenderedMessage => {
  const { linkBases: b, ...common } = shape;
  return renderMessage(template, {
    ...common,
    name: name ?? null,
    links: {
      respond: b.respond && b.respond + token,
      manage: b.manage + token,
      unsubscribe: b.unsubscribe && b.unsubscribe + token,
    },
  });
};

/** A result or the error it threw, so that "throws the same" compares too. */
const outcome = (
  render: () => RenderedMessage
): { message: RenderedMessage } | { error: string } => {
  try {
    return { message: render() };
  } catch (error) {
    return {
      error: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error),
    };
  }
};

const TOKEN = 'Ab3_-z'.repeat(7) + 'Q';

/**
 * The template set behind a proxy that counts reads. renderMessage reads it for every message;
 * the renderer's own path (the one this is all for) never does after messageRenderer() returned,
 * so a count of 0 shows that path was taken rather than a fall back to renderMessage.
 */
const counting = (template: TemplateSet): { template: TemplateSet; reads: () => number } => {
  let reads = 0;
  const proxy = new Proxy(template, {
    get: (target, key, receiver) => {
      reads += 1;
      return Reflect.get(target, key, receiver);
    },
  });
  return { template: proxy, reads: () => reads };
};

describe('messageRenderer: examples', () => {
  it('renders the bundled templates as renderMessage does', () => {
    for (const locale of Object.keys(DEFAULT_TEMPLATES)) {
      for (const kind of MESSAGE_KINDS) {
        const shape = shapeOf({ locale, kind });
        const { template, reads } = counting(DEFAULT_TEMPLATES[locale]);
        const render = messageRenderer(template, shape);
        const before = reads();
        expect(render('Maja Berg', TOKEN)).toStrictEqual(
          reference(DEFAULT_TEMPLATES[locale], shape, 'Maja Berg', TOKEN)
        );
        expect(render('Ole', TOKEN.toLowerCase())).toStrictEqual(
          reference(DEFAULT_TEMPLATES[locale], shape, 'Ole', TOKEN.toLowerCase())
        );
        expect(reads()).toBe(before);
      }
    }
  });

  it('escapes a name in the HTML part, also in <title> and aria-label, and nowhere else', () => {
    const template: TemplateSet = {
      ...DEFAULT_TEMPLATES.en,
      request: {
        subject: 'For {{name}}',
        body: 'Hello {{name}},\n{{link}}',
        sms: '{{name}}: {{link}}',
      },
    };
    const name = '<script>alert("x")</script>';
    const counted = counting(template);
    const render = messageRenderer(counted.template, shapeOf());
    const before = counted.reads();
    const message = render(name, TOKEN);
    expect(counted.reads()).toBe(before);
    expect(message).toEqual(reference(template, shapeOf(), name, TOKEN));
    expect(message.html).not.toContain('<script');
    expect(message.html).toContain(
      '<title>For &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>'
    );
    expect(message.html).toContain(
      'aria-label="For &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"'
    );
    expect(message.html).toContain('Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,');
    expect(message.subject).toBe(`For ${name}`);
    expect(message.text).toBe(`Hello ${name},\n${BASES.respond}${TOKEN}`);
    expect(message.sms).toBe(`${name}: ${BASES.respond}${TOKEN}`);
  });

  it('keeps a name that looks like a placeholder or a stand-in as text', () => {
    const template: TemplateSet = {
      ...DEFAULT_TEMPLATES.en,
      request: { subject: '{{name}}', body: '{{name}} {{link}}', sms: '{{link}}' },
    };
    const render = messageRenderer(template, shapeOf());
    for (const name of [
      '{{link}}',
      '{{name}}',
      'x0123456789abcdef01234567',
      'y0123456789abcdef01234567 {{manageLink}}',
    ]) {
      const message = render(name, TOKEN);
      expect(message).toEqual(reference(template, shapeOf(), name, TOKEN));
      expect(message.text).toBe(`${name} ${BASES.respond}${TOKEN}`);
    }
  });

  it('leaves out a missing name, and takes odd tokens, as renderMessage does', () => {
    const render = messageRenderer(DEFAULT_TEMPLATES.en, shapeOf());
    for (const name of [null, undefined, '', '  \n ']) {
      expect(render(name, TOKEN)).toEqual(reference(DEFAULT_TEMPLATES.en, shapeOf(), name, TOKEN));
      expect(render(name, TOKEN).text.startsWith('Hello,\n')).toBe(true);
    }
    for (const token of ['', 'a b', '..', '%2e%2E', 'x?y#z', '<b>', 'Æble']) {
      expect(render('Maja', token)).toEqual(
        reference(DEFAULT_TEMPLATES.en, shapeOf(), 'Maja', token)
      );
    }
  });

  it('throws per message, as renderMessage does, for a shape that cannot render', () => {
    for (const shape of [
      shapeOf({ timeZone: 'Mars/Olympus' }),
      shapeOf({ linkBases: { ...BASES, unsubscribe: 'mailto:x@example.com?x=' } }),
    ]) {
      const render = messageRenderer(DEFAULT_TEMPLATES.en, shape);
      expect(outcome(() => render('Maja', TOKEN))).toEqual(
        outcome(() => reference(DEFAULT_TEMPLATES.en, shape, 'Maja', TOKEN))
      );
      expect(() => render('Maja', TOKEN)).toThrow();
    }
  });
});

describe('messageRenderer: the same as renderMessage (property)', () => {
  const placeholder = fc.constantFrom(
    '{{name}}',
    '{{organisation}}',
    '{{purposes}}',
    '{{link}}',
    '{{manageLink}}',
    '{{expiresAt}}',
    '{{ name }}',
    '{{nmae}}',
    '{{Name}}',
    '{{link'
  );
  const fragment = fc.oneof(
    { weight: 4, arbitrary: placeholder },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        ' ',
        '  ',
        '\n',
        '\n\n',
        '\r\n',
        ' \n',
        '\t',
        ',',
        '.',
        '!',
        '?',
        ';',
        ':',
        ')',
        '(',
        '- '
      ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'Hello',
        'Hej',
        'a',
        'Dear client',
        '<b>',
        '&amp;',
        '"',
        "'",
        '<',
        '>',
        '&',
        '{',
        '}'
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'https://salon.example/privacy',
        'http://x.example/a?b=c&d=e.',
        'See https://a.example/x).',
        'mailto:a@b.c'
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }
  );
  const text = fc.array(fragment, { maxLength: 14 }).map((parts) => parts.join(''));
  const messageTemplate: fc.Arbitrary<MessageTemplate> = fc.record({
    subject: text,
    body: text,
    sms: text,
  });
  const templateSet: fc.Arbitrary<TemplateSet> = fc.oneof(
    fc.record({
      request: messageTemplate,
      reminder: messageTemplate,
      information: messageTemplate,
      confirmation: messageTemplate,
    }),
    fc.constantFrom(...Object.values(DEFAULT_TEMPLATES))
  );

  const name = fc.oneof(
    fc.constantFrom(
      null,
      undefined,
      '',
      ' ',
      ' \t\n ',
      '\u00a0',
      '\u0000\u001f\u007f',
      'Maja Berg',
      '  Maja \r\n Berg  ',
      '\u2028Ann\u00a0Lee\u2029'
    ),
    fc.constantFrom(
      '<script>alert("x")</script>',
      `O'Brien & "Sons" <b>`,
      '{{link}}',
      '{{name}}',
      '{{manageLink}},',
      'https://evil.example/',
      'x0123456789abcdef01234567',
      '$&$1$$'
    ),
    fc.string({
      unit: fc.constantFrom(
        '<',
        '>',
        '&',
        '"',
        "'",
        ' ',
        '\n',
        '\t',
        'a',
        'Z',
        '{',
        '}',
        '.',
        ',',
        '$',
        '\u0007',
        '\u00a0'
      ),
      maxLength: 20,
    }),
    fc.string({ unit: 'binary', maxLength: 20 })
  );
  const base64url = fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    minLength: 43,
    maxLength: 43,
  });
  const token = fc.oneof(
    { weight: 6, arbitrary: base64url },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'a b',
        '.',
        '..',
        '%2e',
        'A%41',
        '?q',
        '#f',
        '<x>&',
        'Æble',
        'a\nb',
        '\u0000'
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }
  );

  const goodBases = ['https://salon.example/api/consent/', 'http://localhost:1337/api/consent/'];
  const goodBase = (path: string) => fc.constantFrom(...goodBases.map((b) => `${b}${path}/`));
  const isGood = (base: string | null) =>
    base === null || goodBases.some((b) => base.startsWith(b) && base.endsWith('/'));
  const oddBase = fc.constantFrom(
    '',
    'https://',
    'https:',
    'https:///',
    'https://salon.example',
    'https://salon.example/m',
    'https://salon.example:',
    'https://1.2.3.',
    'https://Salon.EXAMPLE:443/a/../m/',
    'https://salon.example/m?t=',
    'https://salon.example/m#',
    'https://salon.example/m/ ',
    ' https://salon.example/m/',
    '\u00a0https://salon.example/m/',
    'https://salon.example/a b/',
    'https://salon.example/\n/',
    'mailto:x@example.com/',
    'javascript:alert(1)//',
    'not a url/'
  );
  const base = (path: string) =>
    fc.oneof({ weight: 5, arbitrary: goodBase(path) }, { weight: 1, arbitrary: oddBase });
  const purpose = fc.record({
    key: fc.constantFrom('storage', 'marketing', 'x'),
    name: fc.constantFrom('Storage', 'Marketing', '', ' '),
    title: fc.constantFrom('Sales and service', 'E-marketing & <news>', '', ' \n ', '{{name}}'),
    marketing: fc.boolean(),
  });
  const shape: fc.Arbitrary<MessageShape> = fc.record({
    kind: fc.constantFrom(...MESSAGE_KINDS),
    locale: fc.constantFrom('da', 'sv', 'en', 'en-GB'),
    organisation: fc.constantFrom(
      'Salon Nordlys',
      "Tom & Jerry's <b>",
      '',
      '  Klinik\n for  Fodterapi '
    ),
    purposes: fc.array(purpose, { maxLength: 3 }),
    linkBases: fc.record({
      respond: fc.oneof(fc.constant(null), base('r')),
      manage: base('m'),
      unsubscribe: fc.oneof(fc.constant(null), base('u')),
    }),
    expiresAt: fc.constantFrom(
      null,
      new Date(Date.UTC(2026, 11, 8, 23, 30)),
      new Date(Date.UTC(2025, 0, 1))
    ),
    timeZone: fc.constantFrom(undefined, 'Europe/Copenhagen', 'America/New_York', 'Mars/Olympus'),
  });

  it('gives byte for byte what renderMessage gives, or throws what it throws', () => {
    fc.assert(
      fc.property(
        templateSet,
        shape,
        fc.array(fc.tuple(name, token), { minLength: 1, maxLength: 6 }),
        (template, shape, messages) => {
          const counted = counting(template);
          const render = messageRenderer(counted.template, shape);
          const { respond, manage, unsubscribe } = shape.linkBases;
          const usual =
            [respond, manage, unsubscribe].every(isGood) && shape.timeZone !== 'Mars/Olympus';
          for (const [name, token] of messages) {
            const before = counted.reads();
            expect(outcome(() => render(name, token))).toStrictEqual(
              outcome(() => reference(template, shape, name, token))
            );
            // Usual shapes, names and tokens take the renderer's own path, not renderMessage.
            if (usual && greetingName(name) && /^[\w-]{43}$/.test(token))
              expect(counted.reads()).toBe(before);
          }
        }
      ),
      { numRuns: 2000 }
    );
  });

  it('is the same for the bundled templates with realistic names and tokens', () => {
    const realName = fc
      .string({
        unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzæøåÆØÅ -'.&"),
        minLength: 1,
        maxLength: 30,
      })
      .filter((n) => n.trim() !== '');
    fc.assert(
      fc.property(
        fc.constantFrom('da', 'sv', 'en'),
        fc.constantFrom(...MESSAGE_KINDS),
        fc.boolean(),
        fc.array(fc.tuple(realName, base64url), { minLength: 1, maxLength: 10 }),
        (locale, kind, marketing, messages) => {
          const shape = shapeOf({
            locale,
            kind,
            purposes: marketing ? PURPOSES : PURPOSES.filter((p) => !p.marketing),
          });
          const counted = counting(defaultTemplateSet(locale));
          const render = messageRenderer(counted.template, shape);
          for (const [name, token] of messages) {
            const before = counted.reads();
            expect(render(name, token)).toStrictEqual(
              reference(defaultTemplateSet(locale), shape, name, token)
            );
            // A name that could read as a link (a.example) is left out, through renderMessage.
            if (greetingName(name)) expect(counted.reads()).toBe(before);
          }
        }
      ),
      { numRuns: 1000 }
    );
  });
});
