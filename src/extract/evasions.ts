/**
 * The ways raid calls are written to slip past filters, undone before
 * matching (each an edit list, so spans still point into the post):
 * - letters and digits spaced apart (`z o o m . u s / j / 8 4 5 …`);
 * - digits spelled as words, in English and Spanish (`eight four five …`,
 *   `ocho cuatro cinco …`);
 * - Cyrillic and Greek look-alike letters mixed into Latin words (`zооm`
 *   with Cyrillic `о`), and digits standing for letters in platform names
 *   (`z00m`, `Z0OM`);
 * - Markdown around or inside what matters (`**845 1239 7260**`, `_zoom_`,
 *   `meeting\_id`).
 * Digits of other scripts, keycap digits and emoji are folded with the rest
 * of Unicode (`unicode.ts`).
 */
import { editsFor, type Edit } from './tracked-text.js';

/** Single characters separated by single blanks, at least four of them: `z o o m . u s`. */
const SPACED_CHARS = /(?<![^\s(["'<>/])[A-Za-z0-9.\/:](?:[ \t][A-Za-z0-9.\/:]){3,}(?![^\s)\]"'<>,!?])/g;
const SPACED_HINT = /[A-Za-z0-9][ \t][A-Za-z0-9.\/:][ \t][A-Za-z0-9.\/:][ \t][A-Za-z0-9.\/:]/;
/** What a closed-up run must contain to be worth closing up: a platform's host or name, or a long number. */
const SPACED_WORTH = /zoom|webex|teams|meet|goto|jitsi|whereby|bluejeans|chime|\d{6,}/i;
/** A short spaced number is closed up only after a passcode label ("pw 4 4 2 1"). */
const AFTER_PASSCODE_LABEL = /(?:pw|pwd|pass|passcode|password|code|pin|key)[ \t:=]*$/i;

/** Edits that close up runs of spaced single characters that spell a meeting host or a number. */
export function spacedCharEdits(text: string): Edit[] {
  if (!SPACED_HINT.test(text)) return [];
  const edits: Edit[] = [];
  SPACED_CHARS.lastIndex = 0;
  for (let m = SPACED_CHARS.exec(text); m !== null; m = SPACED_CHARS.exec(text)) {
    const run = m[0];
    const closed = run.replace(/[ \t]/g, '');
    if (!SPACED_WORTH.test(closed) && !(/^\d+$/.test(closed) && AFTER_PASSCODE_LABEL.test(text.slice(Math.max(0, m.index - 12), m.index)))) continue;
    for (let i = 1; i < run.length; i += 2) edits.push({ start: m.index + i, end: m.index + i + 1, replacement: '' });
  }
  return edits;
}

const DIGIT_WORDS: Readonly<Record<string, string>> = {
  zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  cero: '0', uno: '1', dos: '2', tres: '3', cuatro: '4', cinco: '5', seis: '6', siete: '7', ocho: '8', nueve: '9',
};
const DIGIT_WORD = String.raw`(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)`;
/** Six or more digit words in a row, separated by blanks, dashes or commas: a number spelled out. */
const SPELLED_NUMBER = new RegExp(String.raw`(?<![A-Za-z])${DIGIT_WORD}(?:[ \t,-]+${DIGIT_WORD}){5,}(?![A-Za-z])`, 'gi');
const SPELLED_HINT = /(?:eight|seven|three|four|five|nine|cuatro|cinco|siete|ocho|nueve)[ \t,-]+[a-z]/i;

/** Edits that turn numbers spelled as words into digits. */
export function digitWordEdits(text: string): Edit[] {
  if (!SPELLED_HINT.test(text)) return [];
  return editsFor(text, SPELLED_NUMBER, (m) => m[0].toLowerCase().split(/[ \t,-]+/).map((w) => DIGIT_WORDS[w] ?? '').join(''));
}

/** Cyrillic and Greek letters that look like Latin ones. */
export const HOMOGLYPHS: Readonly<Record<string, string>> = {
  а: 'a', е: 'e', ё: 'e', к: 'k', м: 'm', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S', Ү: 'Y',
  α: 'a', ο: 'o', ρ: 'p', ι: 'i', κ: 'k', ν: 'v', τ: 't', υ: 'u', χ: 'x', ϲ: 'c', ε: 'e',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};
const LOOKALIKE_WORD = /[A-Za-z0-9\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]+/g;
const LOOKALIKE_HINT = /[\u0370-\u03ff\u0400-\u052f]/;
const LATIN = /[A-Za-z]/;
/** Words that, written wholly in look-alikes, are still the name of a platform or a label (`ΖΟΟΜ`). */
const LOOKALIKE_TARGETS = /^(?:zoom|webex|teams|meet|id|pass|passcode|password|pwd|pw|code|join|link)$/i;

/**
 * Edits that read look-alike letters as the Latin letters they imitate, in
 * words that mix scripts (`zооm`, `meеt`) or that spell a platform wholly
 * in look-alikes; Russian and Greek words are left as they are.
 */
export function homoglyphEdits(text: string): Edit[] {
  if (!LOOKALIKE_HINT.test(text)) return [];
  const edits: Edit[] = [];
  LOOKALIKE_WORD.lastIndex = 0;
  for (let m = LOOKALIKE_WORD.exec(text); m !== null; m = LOOKALIKE_WORD.exec(text)) {
    const word = m[0];
    if (!LOOKALIKE_HINT.test(word)) continue;
    let folded = '';
    let foreign = false;
    for (const ch of word) {
      const latin = HOMOGLYPHS[ch];
      if (latin === undefined && !/[A-Za-z0-9]/.test(ch)) foreign = true;
      folded += latin ?? ch;
    }
    if (foreign) continue; // a Cyrillic or Greek letter with no Latin twin: a word of that language
    if (!LATIN.test(word) && !LOOKALIKE_TARGETS.test(folded)) continue;
    edits.push({ start: m.index, end: m.index + word.length, replacement: folded, aligned: true });
  }
  return edits;
}

/**
 * Markdown that wraps or escapes what a post says: bold, italics, strike and
 * spoiler markers at the edge of a word (`**845 1239 7260**`, `_zoom_`,
 * `||pw 1234||`), and backslash escapes (`meeting\_id`). Markers inside a
 * word (`a__b` in a link path) stay.
 */
const MARKDOWN = /(?<![^\s([{"'])(?:\*{1,3}|_{1,3}|~~|\|\|)(?=[^\s*_~|])|(?<=[^\s*_~|])(?:\*{1,3}|_{1,3}|~~|\|\|)(?![^\s)\]},.!?:"'])|\\(?=[_*~|`#>])|`+/g;
const MARKDOWN_HINT = /[*_~|\\`]/;

/** Edits that drop Markdown markers and escapes. */
export function markdownEdits(text: string): Edit[] {
  if (!MARKDOWN_HINT.test(text)) return [];
  return editsFor(text, MARKDOWN, () => '');
}
