import { createHash } from 'node:crypto';
import { html, SafeHtml } from './html';

/**
 * The pages' only stylesheet, inline so a page is one response. Colours meet
 * WCAG AA: body text 16:1, links and buttons ≥ 6.5:1, errors 7:1 on white.
 */
const STYLE = [
  '*,*::before,*::after{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%}',
  'body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;font-size:1.0625rem;line-height:1.5;color:#1b1b1b;background:#eceae6}',
  'main{max-width:42rem;margin:0 auto;padding:1.5rem 1rem 3rem;background:#fff}',
  'h1{font-size:1.625rem;line-height:1.25;margin:0 0 1rem}',
  'h2{font-size:1.25rem;line-height:1.3;margin:0}',
  'h3{font-size:1.125rem;line-height:1.3;margin:0}',
  'p{margin:0 0 .75rem}',
  'a{color:#0b5cad;text-underline-offset:.15em}',
  '.muted{color:#4a4a4a}',
  'fieldset{border:1px solid #767676;border-radius:.5rem;margin:0 0 1.25rem;padding:.75rem 1rem 1rem;min-width:0}',
  'fieldset.invalid{border:3px solid #b00020}',
  'legend{padding:0 .25rem}',
  '.text{margin:.75rem 0;padding:.75rem 1rem;background:#f6f6f4;border-left:4px solid #767676;overflow-wrap:anywhere}',
  '.text p:last-child{margin-bottom:0}',
  '.choices{display:flex;flex-wrap:wrap;gap:.25rem 2rem;margin-top:.5rem}',
  '.choice,.explicit{display:flex;align-items:center;gap:.625rem;min-height:2.75rem}',
  '.explicit{align-items:flex-start;margin-top:.5rem}',
  'input[type=radio],input[type=checkbox]{width:1.5rem;height:1.5rem;margin:.1rem 0 0;accent-color:#0b5cad;flex:none}',
  'button{font:inherit;font-weight:600;color:#fff;background:#0b5cad;border:2px solid #0b5cad;border-radius:.375rem;padding:.5rem 1.25rem;min-height:2.75rem;cursor:pointer}',
  'button:hover{background:#084a8c;border-color:#084a8c}',
  'button.secondary{color:#0b5cad;background:#fff}',
  'button.secondary:hover{color:#fff;background:#084a8c}',
  ':focus-visible{outline:3px solid #1b1b1b;outline-offset:3px}',
  'input:focus-visible{outline-offset:2px}',
  '.error-summary{border:4px solid #b00020;padding:1rem;margin:0 0 1.5rem}',
  '.error-summary h2{margin-bottom:.5rem}',
  '.error-summary a,.field-error{color:#b00020;font-weight:600}',
  '.notice{border-left:6px solid #0b5cad;background:#eef4fb;padding:.75rem 1rem;margin:0 0 1.5rem}',
  '.notice p:last-child,.notice ul{margin-bottom:0}',
  '.purpose{border-top:1px solid #c4c4c4;padding:1rem 0}',
  '.purpose form{margin-top:.5rem}',
  '.purpose h2,.purpose h3{margin-bottom:.25rem}',
  'section>h2{margin:1.5rem 0 .25rem}',
  'summary{cursor:pointer;color:#0b5cad}',
  '.vh{position:absolute!important;width:1px;height:1px;margin:-1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}',
  '@media (min-width:44rem){main{margin:2rem auto;border-radius:.5rem;padding:2rem 2.5rem}}',
].join('');

/**
 * The pages' own Content-Security-Policy (it replaces the one Strapi's security
 * middleware sets). The stylesheet is allowed by its hash rather than
 * 'unsafe-inline' or a nonce: a hash keeps every response of a page byte-identical
 * (the neutral page must be), and nothing else may load, run or frame the page.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src '${'sha256-' + createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A whole page: the language, the title and the main content. */
export const layout = ({
  lang,
  title,
  body,
}: {
  lang: string;
  title: string;
  body: SafeHtml;
}): string =>
  html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.value;
