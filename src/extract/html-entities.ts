/**
 * HTML character references. Posts scraped from web pages and RSS carry
 * `&amp;` between query parameters, and some posters write `zoom&#46;us` on
 * purpose to slip past keyword filters.
 */
import { editsFor, type Edit } from './tracked-text.js';

/** The named references that occur in links and IDs; anything else is left as written. */
const NAMED: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ',
  period: '.', sol: '/', bsol: '\\', colon: ':', semi: ';', comma: ',', equals: '=', quest: '?',
  num: '#', percnt: '%', commat: '@', lowbar: '_', hyphen: '-', dash: '-', ndash: '–', mdash: '—', minus: '−',
  lpar: '(', rpar: ')', lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']', lbrace: '{', rbrace: '}',
  excl: '!', plus: '+', ast: '*', midast: '*', tilde: '~', Hat: '^', verbar: '|', vert: '|', dollar: '$',
  Tab: '\t', NewLine: '\n', shy: '\u00ad', zwj: '\u200d', zwnj: '\u200c', ZeroWidthSpace: '\u200b',
  lrm: '\u200e', rlm: '\u200f', hellip: '…', middot: '·', bull: '•', laquo: '«', raquo: '»',
};

const ENTITY = /&(?:#(\d{1,7});?|#[xX]([0-9a-fA-F]{1,6});?|([A-Za-z][A-Za-z0-9]{1,30});)/g;

function decodeEntity(m: RegExpExecArray): string | null {
  const [, dec, hex, name] = m;
  if (name !== undefined) return NAMED[name] ?? null;
  const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
  if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
  return String.fromCodePoint(code);
}

/** Edits that decode every HTML character reference in `text` (one level). */
export function htmlEntityEdits(text: string): Edit[] {
  if (!text.includes('&')) return [];
  return editsFor(text, ENTITY, decodeEntity);
}

/** `text` with its character references decoded (one level), for the prefilter. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  const parts: string[] = [];
  let pos = 0;
  ENTITY.lastIndex = 0;
  for (let m = ENTITY.exec(text); m !== null; m = ENTITY.exec(text)) {
    const decoded = decodeEntity(m);
    if (decoded === null) continue;
    parts.push(text.slice(pos, m.index), decoded);
    pos = m.index + m[0].length;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}
