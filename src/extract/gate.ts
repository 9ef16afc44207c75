/**
 * The prefilter. Nearly all posts mention no meeting, so the common case must
 * cost little more than reading the text once.
 *
 * A plain alternation of keywords makes irregexp try every alternative at
 * every position. Instead, each test below starts at a character that is
 * rare in prose and looks *behind* it:
 * - `.` or `:` after a catalogued host label (`zoom.us`, `zoom [.] us`, `zoommtg:`),
 *   or a comma standing for the dot (`discord,gg`);
 * - `/` after a path or short host (`/rooms/`, `g.co/`), or its percent-encoded
 *   `%2F` inside a wrapper (`?url=https%3A%2F%2Fjam.systems%2F…`);
 * - the first digit of a number after an id label or dial-string prefix
 *   (`Meeting ID: 8…`, `,,8…`), see {@link LABELLED_DIGITS};
 * - `-` inside a Meet-code shape (`abc-defg-hij`);
 * - `dot` after a host label (`zoom dot us`), tested apart;
 * - a platform named by a word with a number near it, tested last.
 * One combined regex for the common forms, so most texts are scanned once.
 */
import { decodeEntities } from './html-entities.js';
import { PLATFORMS } from './platforms/index.js';
import { LABELLED_DIGITS } from './text-ids.js';
import { foldForMatching } from './unicode.js';

const keywords = [...new Set(PLATFORMS.flatMap((p) => p.keywords))];
/** Keywords that end in a path or a dotted name are followed by `/`; plain host labels by `.` or `:`. */
const SLASH_KEYWORDS = keywords.filter((k) => k.includes('\\/') || k.includes('\\.')).join('|');
const DOT_KEYWORDS = keywords.filter((k) => !k.includes('\\/') && !k.includes('\\.')).join('|');
const OPENERS = String.raw`[\s[\](){}\\]*`;

const HOST_HINTS = [
  String.raw`[.:](?<=(?:${DOT_KEYWORDS})${OPENERS}[.:])`,
  String.raw`,(?=[a-z])(?<=(?:${DOT_KEYWORDS}),)`,
  String.raw`\/(?<=(?:${SLASH_KEYWORDS})\/)`,
  String.raw`%2f(?<=(?:${SLASH_KEYWORDS})%2f)`,
];

/**
 * True when a link token names a catalogued host, deep-link scheme or
 * self-hosted path, possibly inside a wrapper: other links (news sites,
 * shorteners, social media) are not parsed at all.
 */
export const LINK_HINT = new RegExp(HOST_HINTS.join('|'), 'i');

const HINT = new RegExp(
  [
    ...HOST_HINTS,
    LABELLED_DIGITS,
    String.raw`-[a-z]{4}-[a-z]{3}(?![a-z])`,
  ].join('|'),
  'i',
);

/**
 * Links spelled out ("zoom dot us"), tested apart: a `d` in the combined
 * pattern's first characters would wake it at every "d" of the text.
 */
const SPELLED_HINT = new RegExp(String.raw`dot(?<=(?:${DOT_KEYWORDS})[\s[\](){}\\-]*dot)`, 'i');

const NON_ASCII = /[^\x00-\x7f]/;
const ENTITY = /&[#A-Za-z]/;
const QUOTED_PRINTABLE = /=\r?\n|=3D/;

/** Whether folding could change `text`: one cheap scan per kind instead of an alternation. */
function foldable(text: string): boolean {
  return NON_ASCII.test(text) || (text.includes('&') && ENTITY.test(text)) || (text.includes('=') && QUOTED_PRINTABLE.test(text));
}

const DIGIT_WORD = 'zero|one|two|three|four|five|six|seven|eight|nine|cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve';

/**
 * Raid calls name the platform by a word and put the id near it, however
 * written: `zoom 861 2290 4418`, `the zoom for 3rd period is 845…`, `z00m`,
 * `webex eight four five …`. Tested apart, after the rest, on the posts
 * nothing else woke up for.
 */
const INFORMAL_HINT = new RegExp(
  String.raw`(?:z[o0]{2,4}m|web ?ex|go ?to|chime|blue ?jeans|bjn|teams|ring ?central|tencent|voov)[^\n]{0,60}?(?:(?<![\w/.%&?-])\d(?:[ .-]?\d){5}|(?<![a-z])(?:${DIGIT_WORD})(?![a-z]))`
    + String.raw`|[zZ] [oO0] [oO0] [mM]|[wW] [eE] [bB] [eE] [xX]|meet\s+(?:code|id|link)\s*[:=-]?\s*[a-z]{3}[ -][a-z]{4}[ -][a-z]{3}(?![a-z])`,
  'i',
);

/** True when normalised text holds something every meeting reference needs. */
function hasKeyword(text: string): boolean {
  return HINT.test(text) || ((text.includes('dot') || text.includes('DOT') || text.includes('Dot')) && SPELLED_HINT.test(text)) || INFORMAL_HINT.test(text);
}

/**
 * Cheap answer to "could `text` hold a meeting reference?". False is
 * definitive; true means "look closer". Full-width letters, invisible
 * characters and HTML entities are folded first, so `ｚｏｏｍ．ｕｓ` or
 * `zo&#8203;om.us` cannot slip through.
 */
export function mightContainRef(text: string): boolean {
  if (hasKeyword(text)) return true;
  if (!foldable(text)) return false;
  const folded = foldForMatching(decodeEntities(decodeEntities(text))).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  return folded !== text && hasKeyword(folded);
}
