/**
 * Unicode folding: NFKC (full-width `８１２` → `812`, `ｚｏｏｍ` → `zoom`,
 * mathematical letters, no-break spaces), invisible characters removed (zero
 * width space/joiners, word joiner, BOM, soft hyphen, bidi marks: spammers put
 * them inside domains to defeat filters), and the few look-alike separators
 * NFKC keeps (ideographic full stop, fraction slash, Unicode dashes).
 *
 * Homoglyphs from other scripts (Cyrillic `о` in `zооm.us`) are deliberately
 * NOT folded: such a host is a different domain, not the meeting service.
 */
import type { Edit } from './tracked-text.js';

const INVISIBLE = /^(?:[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]|\udb40[\udc00-\udc7f])$/;

/** Separators and spaces NFKC leaves alone but people use as `.`, `/`, `-` or blanks. */
const LOOKALIKE: Readonly<Record<string, string>> = {
  '\u3002': '.', '\uff61': '.', '\u2024': '.', '\u2044': '/', '\u2215': '/', '\u29f8': '/',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2028': '\n', '\u2029': '\n', '\u0085': '\n',
};

const NON_ASCII_RUN = /[^\x00-\x7f]+/g;

/** Folding of single code points is pure, and posts repeat the same few: cache it. */
const cache = new Map<string, string>();

function foldCodePoint(cp: string): string {
  let folded = cache.get(cp);
  if (folded !== undefined) return folded;
  if (INVISIBLE.test(cp)) folded = '';
  else {
    folded = cp.normalize('NFKC');
    let mapped = '';
    for (const ch of folded) mapped += LOOKALIKE[ch] ?? ch;
    folded = mapped;
  }
  if (cache.size < 50_000) cache.set(cp, folded);
  return folded;
}

/** Edits that fold every non-ASCII code point of `text`. */
export function unicodeEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  NON_ASCII_RUN.lastIndex = 0;
  for (let m = NON_ASCII_RUN.exec(text); m !== null; m = NON_ASCII_RUN.exec(text)) {
    const run = m[0];
    const { folded, aligned } = foldRun(run);
    if (folded === run) continue;
    // A run that folds unit for unit (full-width text) is one edit, not one per character.
    if (aligned) edits.push({ start: m.index, end: m.index + run.length, replacement: folded, aligned: true });
    else pushCodePointEdits(run, m.index, edits);
  }
  return edits;
}

/** `run` folded, and whether every code point folded to as many units as it had. */
function foldRun(run: string): { folded: string; aligned: boolean } {
  const parts: string[] = [];
  let aligned = true;
  for (const cp of run) {
    const f = foldCodePoint(cp);
    if (f.length !== cp.length) aligned = false;
    parts.push(f);
  }
  return { folded: parts.join(''), aligned };
}

/**
 * One edit per code point of `run` (at `at` in the text) that folding
 * changes, except that invisible characters in a row are one deletion.
 * Appended one by one: a run can hold more code points than a spread
 * argument list takes.
 */
function pushCodePointEdits(run: string, at: number, edits: Edit[]): void {
  let pos = at;
  for (const cp of run) {
    const f = foldCodePoint(cp);
    const last = edits[edits.length - 1];
    if (f === '' && last !== undefined && last.replacement === '' && last.end === pos) last.end += cp.length;
    else if (f !== cp) edits.push({ start: pos, end: pos + cp.length, replacement: f });
    pos += cp.length;
  }
}

const INVISIBLE_ALL = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]|\udb40[\udc00-\udc7f]/g;
const LOOKALIKE_ENTRIES = Object.entries(LOOKALIKE);

/**
 * The same folding as {@link unicodeEdits} without offset tracking, for the
 * prefilter: cheap enough to run on every non-ASCII post. (Plain string
 * replacements: a replacement callback costs V8 a runtime call per match.)
 */
export function foldForMatching(text: string): string {
  let folded = text.normalize('NFKC').replace(INVISIBLE_ALL, '');
  for (const [from, to] of LOOKALIKE_ENTRIES) if (folded.includes(from)) folded = folded.replaceAll(from, to);
  return folded;
}
