/**
 * The cap on a post's size. A page of posts is held whole in memory, read
 * for meetings several times over (normalised, scanned, masked, scanned
 * again) and stored; one 50 MB post took 437 MB to do that. Past
 * `ingest.maxPostBytes` the rest of a post is cut before anything reads it,
 * and a note says how much was left out.
 */

/** `ingest.maxPostBytes` as shipped. */
export const DEFAULT_MAX_POST_BYTES = 256 * 1024;

/** The longest note {@link cutNote} writes (a count of up to 16 digits). */
export const CUT_NOTE_MAX_BYTES = Buffer.byteLength(cutNote(10 ** 16 - 1));

/** What replaces the part of a post that was cut. */
export function cutNote(bytes: number): string {
  return `\n[… cut: ${bytes} bytes]`;
}

/**
 * `text` if it is at most `maxBytes` bytes of UTF-8; otherwise its longest
 * beginning that leaves room for the note, then the note: at most
 * `maxBytes` bytes in all. A character (or surrogate pair) is never split.
 */
export function capText(text: string, maxBytes: number): string {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: short texts need no counting.
  if (text.length * 3 <= maxBytes) return text;
  const total = Buffer.byteLength(text, 'utf8');
  if (total <= maxBytes) return text;
  const budget = Math.max(0, maxBytes - CUT_NOTE_MAX_BYTES);
  let kept = 0;
  let end = 0;
  while (end < text.length) {
    const unit = text.charCodeAt(end);
    const pair = unit >= 0xd800 && unit <= 0xdbff && end + 1 < text.length && (text.charCodeAt(end + 1) & 0xfc00) === 0xdc00;
    const size = unit < 0x80 ? 1 : unit < 0x800 ? 2 : pair ? 4 : 3;
    if (kept + size > budget) break;
    kept += size;
    end += pair ? 2 : 1;
  }
  return `${text.slice(0, end)}${cutNote(total - kept)}`;
}
