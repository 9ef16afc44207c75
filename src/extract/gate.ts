/**
 * The prefilter. Nearly all posts mention no meeting, so the common case must
 * cost little more than reading the text once.
 *
 * A plain alternation of keywords makes irregexp try every alternative at
 * every position. Instead, each test below starts at a character that is
 * rare in prose and looks *behind* it:
 * - `.` or `:` after a catalogued host label (`zoom.us`, `zoom [.] us`, `zoommtg:`),
 *   or a comma standing for the dot (`discord,gg`);
 * - `/` after a path or short host (`/rooms/`, `g.co/`);
 * - the first digit of a number after an id label or dial-string prefix
 *   (`Meeting ID: 8…`, `,,8…`), see {@link LABELLED_DIGITS};
 * - `-` inside a Meet-code shape (`abc-defg-hij`);
 * - `dot` after a host label (`zoom dot us`).
 * One combined regex, so the text is scanned once.
 */
import { decodeEntities } from './html-entities.js';
import { PLATFORMS } from './platforms/index.js';
import { LABELLED_DIGITS } from './text-ids.js';
import { foldForMatching } from './unicode.js';

const keywords = [...new Set(PLATFORMS.flatMap((p) => p.keywords))];
/** Keywords that end in a path or a dotted name are followed by `/`; plain host labels by `.` or `:`. */
const SLASH_KEYWORDS = keywords.filter((k) => k.includes('\\/') || k.includes('\\.')).join('|');
const DOT_KEYWORDS = keywords.filter((k) => !k.includes('\\/') && !k.includes('\\.')).join('|');
const OPENERS = String.raw`[\s[\](){}]*`;

const HINT = new RegExp(
  [
    String.raw`[.:](?<=(?:${DOT_KEYWORDS})${OPENERS}[.:])`,
    String.raw`,(?=[a-z])(?<=(?:${DOT_KEYWORDS}),)`,
    String.raw`\/(?<=(?:${SLASH_KEYWORDS})\/)`,
    LABELLED_DIGITS,
    String.raw`-[a-z]{4}-[a-z]{3}(?![a-z])`,
    String.raw`dot(?<=(?:${DOT_KEYWORDS})${OPENERS}dot)`,
  ].join('|'),
  'i',
);

const FOLDABLE = /[^\x00-\x7f]|&[#A-Za-z]|=\r?\n|=3D/;

/** True when normalised text holds something every meeting reference needs. */
export function hasKeyword(text: string): boolean {
  return HINT.test(text);
}

/**
 * Cheap answer to "could `text` hold a meeting reference?". False is
 * definitive; true means "look closer". Full-width letters, invisible
 * characters and HTML entities are folded first, so `ｚｏｏｍ．ｕｓ` or
 * `zo&#8203;om.us` cannot slip through.
 */
export function mightContainRef(text: string): boolean {
  if (HINT.test(text)) return true;
  if (!FOLDABLE.test(text)) return false;
  const folded = foldForMatching(decodeEntities(decodeEntities(text))).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  return folded !== text && HINT.test(folded);
}
