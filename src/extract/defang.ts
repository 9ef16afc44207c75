/**
 * Refanging: undoing the ways people write links so that they do not become
 * links (ioc-fanger conventions, S18 of the catalogue; the spelled-out forms
 * python-discord catches, S17): `hxxps`, `zoom[.]us`, `zoom(dot)us`,
 * `zoom-dot-us`, `zoom dot us slash j slash 123`, `https[:]//`,
 * `zoom\.us\/j`, and the quoted-printable soft breaks and `=3D` that mail
 * archives add.
 */
import { editsFor, type Edit } from './tracked-text.js';

const SEP = String.raw`(?:\.|dot|punto|punkt|point)`;

/**
 * Forms that start with a bracket, dash or backslash: the pattern only wakes
 * up at those characters. Blanks around a bracketed separator are folded in
 * afterwards (see {@link widen}), and only between letters or digits, so
 * "(.) Meeting" stays as written.
 */
const BRACKETED = new RegExp(
  [
    String.raw`\[:\/\/\]|\[[ \t]*(?::|colon)[ \t]*\]|\([ \t]*(?::|colon)[ \t]*\)`,
    String.raw`\[[ \t]*${SEP}[ \t]*\]|\([ \t]*${SEP}[ \t]*\)|\{[ \t]*${SEP}[ \t]*\}|<[ \t]*(?:\.|dot)[ \t]*>`,
    String.raw`\[[ \t]*(?:\/|slash)[ \t]*\]|\([ \t]*(?:\/|slash)[ \t]*\)`,
    String.raw`-(?:dot|punto|punkt)-(?=[A-Za-z0-9])`,
    String.raw`\[-\]`,
    String.raw`\\(?=[.\/:])`,
  ].join('|'),
  'gi',
);

/**
 * Spelled-out separators and broken schemes; run only when the text has one
 * of the words. Each alternative starts with its word, so the pattern wakes
 * up only there; the blanks around a spelled separator are folded in after
 * (see {@link widen}).
 */
const SPELLED = new RegExp(
  [
    String.raw`\bh(?:xx|\*\*|__|xt|tx)p(?=s?(?::|\[:\]|\(:\)))`,
    String.raw`colon[ \t]+slash[ \t]+slash(?=[ \t])`,
    String.raw`(?:dot|slash)(?=[ \t]+[A-Za-z0-9])`,
  ].join('|'),
  'gi',
);
const SPELLED_HINT = /dot|slash|colon|h(?:xx|\*\*|__|xt|tx)p/i;
const BRACKETED_HINT = /[[({<\\-]/;

function refang(s: string): string {
  const l = s.toLowerCase();
  if (l.startsWith('h')) return 'http';
  if (l === '\\') return '';
  if (l === '[://]') return '://';
  if (l === '[-]') return '-';
  if (l.includes('colon') && l.includes('slash')) return '://';
  if (l.includes(':') || l.includes('colon')) return ':';
  if (l.includes('/') || l.includes('slash')) return '/';
  return '.';
}

function isAlnum(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * A bracketed or spelled-out separator between words swallows the blanks
 * around it (`zoom [.] us`, `zoom dot us`); one that is not between words is
 * left alone ("(.) Meeting").
 */
function widen(text: string, edit: Edit): Edit | null {
  const first = text.charCodeAt(edit.start);
  const spelled = !/^[[({<]/.test(text.slice(edit.start, edit.start + 1));
  if ((!spelled && (edit.replacement === '://' || edit.replacement === '-')) || (spelled && edit.replacement === 'http')) return edit;
  if (first === 0x2d || first === 0x5c) return edit; // -dot- and \. carry no blanks
  let start = edit.start;
  let end = edit.end;
  while (text[start - 1] === ' ' || text[start - 1] === '\t') start--;
  while (text[end] === ' ' || text[end] === '\t') end++;
  if (spelled && (start === edit.start || end === edit.end)) return null; // "dot" needs blanks on both sides
  if (!isAlnum(text.charCodeAt(start - 1)) || !isAlnum(text.charCodeAt(end))) return null;
  if (edit.replacement === '.' && start < edit.start && afterPath(text, start)) return null;
  return { start, end, replacement: edit.replacement };
}

/**
 * Whether the word ending at `end` is a link's path (it holds a slash): a dot
 * written with blanks joins host labels (`zoom (.) us`), and a path never
 * continues across a blank, so "zoom.us/j/845… (.) see you" stays two words.
 */
function afterPath(text: string, end: number): boolean {
  for (let i = end - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 0x2f) return true;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) return false;
  }
  return false;
}

/** Edits that refang defanged links in `text`. */
export function defangEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  if (BRACKETED_HINT.test(text)) {
    for (const edit of editsFor(text, BRACKETED, (m) => refang(m[0]))) {
      const widened = widen(text, edit);
      if (widened !== null) edits.push(widened);
    }
  }
  if (SPELLED_HINT.test(text)) {
    const spelled: Edit[] = [];
    for (const edit of editsFor(text, SPELLED, (m) => refang(m[0]))) {
      const widened = widen(text, edit);
      if (widened !== null) spelled.push(widened);
    }
    if (spelled.length > 0) return [...edits, ...spelled].sort((a, b) => a.start - b.start);
  }
  return edits;
}

const QUOTED_PRINTABLE = /=\r?\n|=3D/g;

/** Edits that undo quoted-printable soft line breaks (`=\n`) and `=3D` (an `=`). */
export function quotedPrintableEdits(text: string): Edit[] {
  if (!text.includes('=')) return [];
  return editsFor(text, QUOTED_PRINTABLE, (m) => (m[0] === '=3D' ? '=' : ''));
}
