/**
 * Text normalisation before matching (DESIGN.md §3, catalogue §6): HTML
 * entities, Unicode NFKC and invisible characters, quoted-printable, defanged
 * links, links spelled with blanks, and the evasions of `evasions.ts`. The result remembers where every
 * character came from, so spans point into the caller's text.
 */
import { defangEdits, quotedPrintableEdits } from './defang.js';
import { digitWordEdits, homoglyphEdits, markdownEdits, spacedCharEdits } from './evasions.js';
import { htmlEntityEdits } from './html-entities.js';
import { spacedLinkEdits } from './spaced-links.js';
import { TrackedText } from './tracked-text.js';
import { unicodeEdits } from './unicode.js';

const NON_ASCII = /[^\x00-\x7f]/;

/** Normalises `text` for matching; `toOriginal` maps ranges back. */
export function normalize(text: string): TrackedText {
  let t = new TrackedText(text);
  for (let round = 0; round < 2; round++) {
    const edits = htmlEntityEdits(t.text);
    if (edits.length === 0) break;
    t = t.apply(edits);
  }
  if (NON_ASCII.test(t.text)) {
    t = t.apply(unicodeEdits(t.text));
    t = t.apply(homoglyphEdits(t.text));
  }
  t = t.apply(quotedPrintableEdits(t.text));
  t = t.apply(markdownEdits(t.text));
  t = t.apply(defangEdits(t.text));
  t = t.apply(digitWordEdits(t.text));
  t = t.apply(spacedCharEdits(t.text));
  t = t.apply(spacedLinkEdits(t.text));
  return t;
}
