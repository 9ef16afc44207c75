/**
 * The prefilter. Nearly all posts mention no meeting, so the common case must
 * cost about as much as reading the text. A big alternation of keywords
 * costs irregexp a try of every alternative at every position; instead the
 * host test only wakes up at `.`, `/`, `:` and `,` and looks behind for a
 * catalogued host label (`zoom` in `zoom.us`, `zoom [.] us`, `zoommtg:`),
 * and the label test looks for the few words every id label contains.
 */
import { decodeEntities } from './html-entities.js';
import { PLATFORMS } from './platforms/index.js';
import { LABELLED_DIGITS_HINT, MEET_CODE_HINT } from './text-ids.js';
import { foldForMatching } from './unicode.js';

const HOST_LABELS = [...new Set(PLATFORMS.flatMap((p) => p.keywords))].join('|');
const HOST_HINT = new RegExp(String.raw`[.\/:,](?<=(?:${HOST_LABELS})[\s[\](){}]*[.\/:,])`, 'i');
/** Links spelled out ("zoom dot us slash j …"); refanging turns them into the forms above. */
const SPELLED_HINT = /dot|slash/i;
const FOLDABLE = /[^\x00-\x7f]|&[#A-Za-z]|=\r?\n|=3D/;

/** True when normalised text holds something every meeting reference needs. */
export function hasKeyword(text: string): boolean {
  return HOST_HINT.test(text) || LABELLED_DIGITS_HINT.test(text) || MEET_CODE_HINT.test(text) || SPELLED_HINT.test(text);
}

/**
 * Cheap answer to "could `text` hold a meeting reference?". False is
 * definitive; true means "look closer". Full-width letters, invisible
 * characters and HTML entities are folded first, so `ｚｏｏｍ．ｕｓ` or
 * `zo&#8203;om.us` cannot slip through.
 */
export function mightContainRef(text: string): boolean {
  if (hasKeyword(text)) return true;
  if (!FOLDABLE.test(text)) return false;
  const folded = foldForMatching(decodeEntities(decodeEntities(text))).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  return folded !== text && hasKeyword(folded);
}
