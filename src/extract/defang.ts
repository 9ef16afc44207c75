/**
 * Refanging: undoing the ways people write links so that they do not become
 * links (ioc-fanger conventions, S18 of the catalogue; the spelled-out forms
 * python-discord catches, S17): `hxxps`, `zoom[.]us`, `zoom(dot)us`,
 * `zoom dot us slash j slash 123`, `https[:]//`, `zoom\.us\/j`, and the
 * quoted-printable soft breaks and `=3D` that mail archives add.
 */
import { editsFor, type Edit } from './tracked-text.js';

const SEP = String.raw`(?:\.|dot|punto|punkt|point)`;

/**
 * One pattern, so the text is walked once. Bracketed forms may carry blanks
 * inside and around them; spelled-out words only count between letters or
 * digits, where prose rarely puts them.
 */
const DEFANG = new RegExp(
  [
    String.raw`\bh(?:xx|XX|\*\*|__|xt|tx)p(?=s?(?::|\[:\]|\(:\)))`,
    String.raw`(?<![ \t])[ \t]*(?:\[[ \t]*${SEP}[ \t]*\]|\([ \t]*${SEP}[ \t]*\)|\{[ \t]*${SEP}[ \t]*\}|<[ \t]*(?:\.|dot)[ \t]*>)[ \t]*`,
    String.raw`\[:\/\/\]|\[[ \t]*(?::|colon)[ \t]*\]|\([ \t]*(?::|colon)[ \t]*\)`,
    String.raw`(?<![ \t])[ \t]*(?:\[[ \t]*(?:\/|slash)[ \t]*\]|\([ \t]*(?:\/|slash)[ \t]*\))[ \t]*`,
    String.raw`(?<=[A-Za-z0-9])[ \t]+(?:dot|DOT|Dot)[ \t]+(?=[A-Za-z0-9])`,
    String.raw`(?<=[A-Za-z0-9])[ \t]+(?:slash|SLASH|Slash)[ \t]+(?=[A-Za-z0-9])`,
    String.raw`(?<=[A-Za-z])[ \t]+colon[ \t]+slash[ \t]+slash[ \t]+`,
    String.raw`\\(?=[.\/:])`,
  ].join('|'),
  'gi',
);

/** Brackets around a separator, a backslash escape, a spelled-out separator or a broken scheme. */
const BRACKET_HINT = /[[({<][ \t]*(?:[.:/]|dot|slash|colon|punto|punkt|point)/i;
const WORD_HINT = /dot|slash|colon/i;
const SCHEME_HINT = /h(?:xx|\*\*|__|xt|tx)p/i;

function mayBeDefanged(text: string): boolean {
  return ((text.includes('[') || text.includes('(') || text.includes('{') || text.includes('<')) && BRACKET_HINT.test(text)) ||
    /\\[./:]/.test(text) || WORD_HINT.test(text) || SCHEME_HINT.test(text);
}

function refang(m: RegExpExecArray): string {
  const s = m[0].toLowerCase();
  if (s.startsWith('h')) return 'http';
  if (s === '\\') return '';
  if (s === '[://]') return '://';
  if (s.includes('colon') && s.includes('slash')) return '://';
  if (s.includes(':') || s.includes('colon')) return ':';
  if (s.includes('/') || s.includes('slash')) return '/';
  return '.';
}

/** Edits that refang defanged links in `text`. */
export function defangEdits(text: string): Edit[] {
  if (!mayBeDefanged(text)) return [];
  return editsFor(text, DEFANG, refang);
}

const QUOTED_PRINTABLE = /=\r?\n|=3D/g;

/** Edits that undo quoted-printable soft line breaks (`=\n`) and `=3D` (an `=`). */
export function quotedPrintableEdits(text: string): Edit[] {
  if (!text.includes('=')) return [];
  return editsFor(text, QUOTED_PRINTABLE, (m) => (m[0] === '=3D' ? '=' : ''));
}
