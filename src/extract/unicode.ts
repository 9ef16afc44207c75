/**
 * Unicode folding: NFKC (full-width `８１２` → `812`, `ｚｏｏｍ` → `zoom`,
 * mathematical letters, no-break spaces), invisible characters removed (zero
 * width space/joiners, word joiner, BOM, soft hyphen, bidi marks: spammers put
 * them inside domains to defeat filters), and the few look-alike separators
 * NFKC keeps (ideographic full stop, fraction slash, Unicode dashes).
 *
 * Also: decimal digits of every script (`٨٤٥`, `८४५`) read as ASCII digits,
 * keycap digits (`8️⃣`) as the digit, the ID and key emoji as the labels they
 * stand for (`🆔 845 1239 7260 🔑 662810`), and every other pictograph as a
 * blank, so `845💥1239💥7260` is a grouped id.
 *
 * Look-alike letters of other scripts (Cyrillic `о` in `zооm.us`) are read
 * in words that mix scripts only (`evasions.ts`).
 */
import { HOMOGLYPHS } from './evasions.js';
import type { Edit } from './tracked-text.js';

const INVISIBLE = /^(?:[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u20e3\u3164\ufe00-\ufe0f\ufeff\uffa0]|\udb40[\udc00-\udc7f])$/;

/** Separators and spaces NFKC leaves alone but people use as `.`, `/`, `-` or blanks. */
const LOOKALIKE: Readonly<Record<string, string>> = {
  '\u3002': '.', '\uff61': '.', '\u2024': '.', '\u2044': '/', '\u2215': '/', '\u29f8': '/',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2028': '\n', '\u2029': '\n', '\u0085': '\n',
};

const NON_ASCII_RUN = /[^\x00-\x7f]+/g;

/** Folding of single code points is pure, and posts repeat the same few: cache it. */
const cache = new Map<string, string>();

/** Emoji that stand for a label. */
const EMOJI_LABELS: Readonly<Record<string, string>> = {
  '\u{1f194}': ' ID: ', '\u{1f511}': ' passcode: ', '\u{1f5dd}': ' passcode: ', '\u{1f510}': ' passcode: ', '\u{1f512}': ' passcode: ', '\u{1f513}': ' passcode: ',
  '\u{1f517}': ' ', '\u{1f4de}': ' ', '\u{260e}': ' ',
};
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** The value of a decimal digit of any script: Unicode keeps them in runs of ten, 0 to 9. */
function digitValue(cp: string): string {
  let code = cp.codePointAt(0)!;
  let offset = 0;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(code - 1))) {
    code--;
    offset++;
  }
  return String(offset % 10);
}

function foldCodePoint(cp: string): string {
  let folded = cache.get(cp);
  if (folded !== undefined) return folded;
  if (INVISIBLE.test(cp)) folded = '';
  else if (EMOJI_LABELS[cp] !== undefined) folded = EMOJI_LABELS[cp];
  else if (PICTOGRAPH.test(cp) && cp !== '\u00a9' && cp !== '\u00ae') folded = ' ';
  else if (DECIMAL_DIGIT.test(cp) && cp.normalize('NFKC').length === cp.length && !/^[0-9]$/.test(cp.normalize('NFKC'))) folded = digitValue(cp);
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

const INVISIBLE_ALL = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u20e3\u3164\ufe00-\ufe0f\ufeff\uffa0]|\udb40[\udc00-\udc7f]/g;
const LOOKALIKE_ENTRIES = Object.entries(LOOKALIKE);

/**
 * The same folding as {@link unicodeEdits} without offset tracking, for the
 * prefilter: cheap enough to run on every non-ASCII post. (Plain string
 * replacements: a replacement callback costs V8 a runtime call per match.)
 */
export function foldForMatching(text: string): string {
  let folded = text.normalize('NFKC').replace(INVISIBLE_ALL, '');
  for (const [from, to] of LOOKALIKE_ENTRIES) if (folded.includes(from)) folded = folded.replaceAll(from, to);
  // The prefilter may say yes too often, never too rarely: look-alike letters are read as Latin wherever they stand.
  if (FOLD_MORE.test(folded)) folded = folded.replace(FOLD_MORE_ALL, (ch) => HOMOGLYPHS[ch] ?? foldCodePoint(ch));
  return folded;
}

/** Digits of other scripts, pictographs and look-alike letters: rarer, folded one code point at a time. */
const FOLD_MORE = /[\p{Nd}\p{Extended_Pictographic}\u0370-\u03ff\u0400-\u052f]/u;
const FOLD_MORE_ALL = /(?![0-9])[\p{Nd}\p{Extended_Pictographic}]|[\u0370-\u03ff\u0400-\u052f]/gu;
