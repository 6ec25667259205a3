/**
 * A tiny HTML builder whose interpolations are escaped unless they are already
 * SafeHtml: the pages show client names, organisation names and text bodies that
 * editors typed, and none of it may become markup.
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

export type Interpolation =
  | SafeHtml
  | string
  | number
  | null
  | undefined
  | false
  | readonly Interpolation[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const render = (value: Interpolation): string => {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
};

export const html = (strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml =>
  new SafeHtml(
    strings.reduce((out, part, i) => out + part + (i < values.length ? render(values[i]) : ''), '')
  );

/**
 * A plain-text body as paragraphs: blank lines separate paragraphs, single line
 * breaks stay line breaks, everything escaped.
 */
export const plainText = (text: string): SafeHtml =>
  html`${text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n{2,}/)
    .map(
      (paragraph) =>
        html`<p>${paragraph.split('\n').map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`))}</p>`
    )}`;
