import { randomBytes } from 'node:crypto';
import { buttonLabel } from './default-templates';
import type { MessageInput, RenderedMessage, TemplateSet } from './types';

/**
 * Templates are written by admins and values come from client records, so
 * both are untrusted in the HTML part: every piece of text is escaped, and
 * only the renderer itself writes markup. Substitution is one pass over the
 * template, so a value that looks like a placeholder (a client named
 * "{{link}}") stays text. Unknown placeholders stay literally in the output,
 * so a typo shows in the Settings test mail instead of vanishing.
 */

const PLACEHOLDERS = [
  'name',
  'organisation',
  'purposes',
  'link',
  'manageLink',
  'expiresAt',
] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
type Segment = { text: string } | { placeholder: Placeholder };
type Line = Segment[];

interface Values {
  name: string;
  organisation: string;
  purposes: string[];
  link: string;
  manageLink: string;
  expiresAt: string;
}

const TOKEN = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
const URL_IN_TEXT = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

const isPlaceholder = (name: string): name is Placeholder =>
  (PLACEHOLDERS as readonly string[]).includes(name);

/**
 * A bounded memo of a pure function of template text. A campaign renders one
 * template for thousands of clients: parsing it and escaping its fixed text once
 * instead of once per message cuts a message's rendering by a third. Values from
 * client records never go through it (they differ per message).
 */
const memo = <T>(limit: number, compute: (text: string) => T): ((text: string) => T) => {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      if (cache.size >= limit) cache.clear();
      value = compute(text);
      cache.set(text, value);
    }
    return value;
  };
};

/** A value from a client record or the settings on one line: no control characters, single spaces. */
const oneLine = (value: string | null | undefined): string =>
  (value ?? '').replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();

/**
 * What could read as a link or an address in a mail client: a scheme, "www.", an "@", or
 * a dotted name such as evil.example. Names come from whoever filled in a public form.
 */
const LINK_LIKE = /[a-z][a-z0-9+.-]*:|www\.|@|[\p{L}\p{N}-]\.[\p{L}\p{N}]{2,}/iu;

/** A client's name for the greeting: one line, and left out when it could become a link. */
export const greetingName = (value: string | null | undefined): string => {
  const line = oneLine(value);
  return LINK_LIKE.test(line) ? '' : line;
};

export const escapeHtml = (value: string): string =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** An absolute http(s) URL, or null: nothing else becomes a link or a header. */
export const webUrl = (value: string | null | undefined): URL | null => {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
};

const dateFormats = new Map<string, Intl.DateTimeFormat>();

const canonicalLocale = memo(100, (locale: string): string => {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    // A malformed tag is the caller's mistake, but the client still gets a readable date.
    return 'en';
  }
});

/** Date only, in the message's language; UTC unless the input names a time zone. */
const formatDate = (date: Date | null, locale: string, timeZone = 'UTC'): string => {
  if (!date) return '';
  const key = `${canonicalLocale(locale)}|${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    // Building a DateTimeFormat costs more than rendering the rest of a message: keep one per locale and zone.
    format = new Intl.DateTimeFormat(canonicalLocale(locale), { dateStyle: 'long', timeZone });
    dateFormats.set(key, format);
  }
  return format.format(date);
};

const parse = memo(200, (template: string): readonly Segment[] => {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of template.matchAll(TOKEN)) {
    if (!isPlaceholder(match[1])) continue;
    if (match.index > last) segments.push({ text: template.slice(last, match.index) });
    segments.push({ placeholder: match[1] });
    last = match.index + match[0].length;
  }
  if (last < template.length) segments.push({ text: template.slice(last) });
  return segments;
});

const isEmpty = (segment: Segment, values: Values): boolean =>
  'placeholder' in segment &&
  (segment.placeholder === 'purposes'
    ? values.purposes.length === 0
    : values[segment.placeholder] === '');

/** Drop placeholders with no value, and the space before them when punctuation follows ("Hello {{name}}," -> "Hello,"). */
const withoutEmpty = (segments: readonly Segment[], values: Values): Segment[] => {
  const out: Segment[] = [];
  segments.forEach((segment, i) => {
    if (!isEmpty(segment, values)) return void out.push(segment);
    const before = out[out.length - 1];
    const after = segments[i + 1];
    const closes = !after || ('text' in after && /^([,.!?;:)]|\s*(\n|$))/.test(after.text));
    if (before && 'text' in before && closes)
      out[out.length - 1] = { text: before.text.replace(/ $/, '') };
  });
  return out;
};

const plain = (segments: Segment[], values: Values, list: (purposes: string[]) => string): string =>
  segments
    .map((s) =>
      'text' in s
        ? s.text
        : s.placeholder === 'purposes'
          ? list(values.purposes)
          : values[s.placeholder]
    )
    .join('');

const lines = (segments: Segment[]): Line[] => {
  const result: Line[] = [[]];
  for (const segment of segments) {
    if ('placeholder' in segment) {
      result[result.length - 1].push(segment);
      continue;
    }
    segment.text.split(/\r?\n/).forEach((part, i) => {
      if (i > 0) result.push([]);
      if (part) result[result.length - 1].push({ text: part });
    });
  }
  return result;
};

/** The line's only content, when it holds a single placeholder and nothing but spaces. */
const alone = (line: Line): Placeholder | null => {
  const content = line.filter((s) => !('text' in s && s.text.trim() === ''));
  return content.length === 1 && 'placeholder' in content[0] ? content[0].placeholder : null;
};

const STYLE = {
  body: 'margin:0;padding:0;background:#f3f4f6',
  card: "max-width:600px;margin:0 auto;padding:32px 24px;background:#ffffff;color:#111827;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5",
  p: 'margin:0 0 16px',
  list: 'margin:0 0 16px;padding-left:24px',
  link: 'color:#1d4ed8;text-decoration:underline',
  button:
    'display:inline-block;padding:12px 24px;border-radius:6px;background:#1d4ed8;color:#ffffff;font-weight:600;text-decoration:none',
  fallback: 'margin:0 0 16px;font-size:13px;color:#4b5563;word-break:break-all',
};

const anchor = (url: string): string =>
  webUrl(url)
    ? `<a href="${escapeHtml(url)}" style="${STYLE.link}">${escapeHtml(url)}</a>`
    : escapeHtml(url);

/** Template text: escaped, with the admin's own http(s) addresses as links. Values never become links. */
const literal = memo(2000, (text: string): string => {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    html += escapeHtml(text.slice(last, match.index)) + anchor(match[0]);
    last = match.index + match[0].length;
  }
  return html + escapeHtml(text.slice(last));
});

const inline = (line: Line, values: Values): string =>
  line
    .map((s) => {
      if ('text' in s) return literal(s.text);
      if (s.placeholder === 'link' || s.placeholder === 'manageLink')
        return anchor(values[s.placeholder]);
      if (s.placeholder === 'purposes') return escapeHtml(values.purposes.join(', '));
      return escapeHtml(values[s.placeholder]);
    })
    .join('');

const button = (url: string, label: string): string =>
  webUrl(url)
    ? `<p style="margin:24px 0 8px"><a href="${escapeHtml(url)}" style="${STYLE.button}">${escapeHtml(label)}</a></p>\n` +
      // The address under the button, for mail apps that show no styles or block the button.
      `<p style="${STYLE.fallback}">${anchor(url)}</p>`
    : `<p style="${STYLE.p}">${escapeHtml(url)}</p>`;

const bodyHtml = (segments: Segment[], values: Values, label: string): string => {
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push(`<p style="${STYLE.p}">${paragraph.join('<br>\n')}</p>`);
    paragraph = [];
  };
  for (const line of lines(segments)) {
    const only = alone(line);
    if (line.every((s) => 'text' in s && s.text.trim() === '')) flush();
    else if (only === 'link') {
      flush();
      blocks.push(button(values.link, label));
    } else if (only === 'purposes') {
      flush();
      blocks.push(
        `<ul style="${STYLE.list}">${values.purposes.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>`
      );
    } else paragraph.push(inline(line, values));
  }
  flush();
  return blocks.join('\n');
};

const page = (lang: string, subject: string, content: string): string =>
  [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(lang)}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
      `<title>${escapeHtml(subject)}</title></head>`,
    `<body style="${STYLE.body}">`,
    `<div role="article" aria-roledescription="email" aria-label="${escapeHtml(subject)}" lang="${escapeHtml(lang)}" style="${STYLE.card}">`,
    content,
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');

/** RFC 2369 / RFC 8058 one-click unsubscribe, only for messages that concern a marketing purpose. */
const unsubscribeHeaders = (input: MessageInput): Record<string, string> => {
  if (!input.links.unsubscribe || !input.purposes.some((p) => p.marketing)) return {};
  const url = webUrl(input.links.unsubscribe);
  if (!url)
    throw new Error(
      `links.unsubscribe must be an absolute http(s) URL, not "${input.links.unsubscribe}"`
    );
  return {
    'List-Unsubscribe': `<${url.href}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
};

/**
 * The subject, plain-text and HTML parts, the SMS text and the headers of a
 * message. Pure: the same input gives the same message. Throws a RangeError for
 * an unknown `timeZone` and an Error for a non-http(s) unsubscribe link.
 */
export const renderMessage = (template: TemplateSet, input: MessageInput): RenderedMessage => {
  const chosen = template[input.kind];
  const values: Values = {
    name: greetingName(input.name),
    organisation: oneLine(input.organisation),
    purposes: input.purposes
      .map((p) => {
        const title = oneLine(p.title) || oneLine(p.name);
        const detail = p.detail ? oneLine(p.detail) : '';
        return title && detail ? `${title}: ${detail}` : title;
      })
      .filter(Boolean),
    link: (input.kind === 'information'
      ? input.links.manage
      : (input.links.respond ?? input.links.manage)
    ).trim(),
    manageLink: input.links.manage.trim(),
    expiresAt: formatDate(input.expiresAt, input.locale, input.timeZone),
  };
  const render = (source: string) => withoutEmpty(parse(source), values);
  const asLines = (purposes: string[]) => purposes.map((p) => `- ${p}`).join('\n');
  const inOneLine = (purposes: string[]) => purposes.join(', ');

  const subject = oneLine(plain(render(chosen.subject), values, inOneLine));
  const body = render(chosen.body);
  return {
    subject,
    text: plain(body, values, asLines),
    html: page(
      input.locale,
      subject,
      bodyHtml(body, values, buttonLabel(input.locale, input.kind))
    ),
    sms: plain(render(chosen.sms), values, inOneLine).trim(),
    headers: unsubscribeHeaders(input),
  };
};

/** What the messages of a campaign share: everything but the client's name, and each link without its token. */
export type MessageShape = Omit<MessageInput, 'name' | 'links'> & {
  /** A message's link is its base followed by its token, e.g. `${base}/r/` + token. */
  linkBases: { respond: string | null; manage: string; unsubscribe: string | null };
};

// Stand-ins for the name and the token. Random per process, so no template, setting or
// client record holds one; letters and digits only, so oneLine, escapeHtml and URL parsing
// leave them as they are; and each starts with a letter found nowhere else in either, so
// no stand-in can be read across the edge of a neighbouring text.
const NAME_MARK = `x${randomBytes(12).toString('hex')}`;
const TOKEN_MARK = `y${randomBytes(12).toString('hex')}`;
const MARKS = new RegExp(`(${NAME_MARK}|${TOKEN_MARK})`);

/** Tokens that neither URL parsing nor escaping changes (tokens are base64url). */
const PLAIN_TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * A base that a plain token can only lengthen the path, query or fragment of: parsing cannot
 * fail or change anything there, so the link is a web URL, and its href the base's href plus
 * the token, whatever the token. Surrounding spaces would meet links.trim() and new URL().
 */
const takesToken = (base: string): boolean =>
  base === base.trim() && base.endsWith('/') && webUrl(base) !== null;

/** A string rendered with the stand-ins, cut once; per message, the pieces joined with the real values. */
const cutAtMarks = (rendered: string): ((name: string, token: string) => string) => {
  const parts = rendered.split(MARKS);
  return (name, token) => {
    let out = parts[0];
    for (let i = 1; i < parts.length; i += 2)
      out += (parts[i] === NAME_MARK ? name : token) + parts[i + 1];
    return out;
  };
};

/**
 * A message rendered with the stand-ins, cut once. `name` must be oneLine'd and not empty: the
 * subject's oneLine and the SMS's trim then leave it and its neighbours as they would in
 * renderMessage. In the HTML part the name is escaped, also in <title> and aria-label, which
 * escape the whole subject.
 */
const cutMessage = (
  marked: RenderedMessage
): ((name: string, token: string) => RenderedMessage) => {
  const subject = cutAtMarks(marked.subject);
  const text = cutAtMarks(marked.text);
  const html = cutAtMarks(marked.html);
  const sms = cutAtMarks(marked.sms);
  const headers = Object.entries(marked.headers).map(
    ([key, value]) => [key, cutAtMarks(value)] as const
  );
  return (name, token) => ({
    subject: subject(name, token),
    text: text(name, token),
    html: html(escapeHtml(name), token),
    sms: sms(name, token),
    headers: Object.fromEntries(headers.map(([key, value]) => [key, value(name, token)])),
  });
};

/**
 * renderMessage for many messages of one shape, for a campaign: the shape is rendered once
 * with stand-ins for the name and the token, and each message only joins the pieces with its
 * own. Gives exactly what renderMessage gives; where that is not certain (no name, a token
 * URL parsing could change, unusual link bases, a shape that does not render), it calls
 * renderMessage.
 */
export const messageRenderer = (
  template: TemplateSet,
  shape: MessageShape
): ((name: string | null | undefined, token: string) => RenderedMessage) => {
  const { linkBases: bases, ...common } = shape;
  const slow = (name: string | null | undefined, token: string): RenderedMessage =>
    renderMessage(template, {
      ...common,
      name: name ?? null,
      links: {
        respond: bases.respond && bases.respond + token,
        manage: bases.manage + token,
        unsubscribe: bases.unsubscribe && bases.unsubscribe + token,
      },
    });
  if (
    !takesToken(bases.manage) ||
    (bases.respond && !takesToken(bases.respond)) ||
    (bases.unsubscribe && !takesToken(bases.unsubscribe))
  ) {
    return slow;
  }

  let fast: (name: string, token: string) => RenderedMessage;
  try {
    fast = cutMessage(slow(NAME_MARK, TOKEN_MARK));
    // A last guard, once per shape: one message both ways (this also catches a stand-in
    // that did turn up in a template or a setting).
    const probe = ['Probe <&"\'>', 'probe_0-Z'] as const;
    if (JSON.stringify(fast(...probe)) !== JSON.stringify(slow(...probe))) return slow;
  } catch {
    // An unknown time zone or a bad unsubscribe base: each message throws, from renderMessage, as it would without this.
    return slow;
  }

  return (name, token) => {
    const line = greetingName(name);
    // Without a name renderMessage drops the placeholder and the space before it.
    return line && PLAIN_TOKEN.test(token) ? fast(line, token) : slow(name, token);
  };
};
