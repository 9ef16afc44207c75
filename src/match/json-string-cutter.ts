/**
 * Shortens the strings of one JSON text as its bytes stream by, so that a
 * 50 MB line costs a few hundred kilobytes to read: every string value (and
 * key) keeps its first `stringBytes` bytes as written, the rest is replaced
 * by a note ({@link cutNote}) saying how many bytes were left out. What comes
 * out is JSON again, for `JSON.parse`; everything outside strings is copied
 * as it is.
 *
 * Escapes (`\n`, `\u00e9`) are kept or dropped whole, a surrogate pair of
 * escapes is never split, nor is a multi-byte UTF-8 character.
 */
import { cutNote } from './post-cap.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const U = 0x75;

export class JsonStringCutter {
  readonly #stringBytes: number;
  readonly #maxBytes: number;
  #out: Buffer;
  #length = 0;
  #tooLong = false;
  #cut = false;
  #inString = false;
  /** Bytes of the current string kept, and dropped. */
  #kept = 0;
  #dropped = 0;
  /** Continuation bytes still owed to a kept multi-byte character. */
  #owed = 0;
  /** The last thing kept was a `\uD8xx` escape: its low half must be kept too. */
  #afterHigh = false;
  #escape: number[] = [];

  /**
   * @param stringBytes bytes of each string kept.
   * @param maxBytes what the shortened text may take at most; past it, {@link finish} returns null.
   */
  constructor(stringBytes: number, maxBytes: number) {
    this.#stringBytes = stringBytes;
    this.#maxBytes = maxBytes;
    this.#out = Buffer.allocUnsafe(Math.min(maxBytes, 64 * 1024));
  }

  push(bytes: Uint8Array): void {
    // Where the next quote and backslash of this chunk are (-1: none left), found once each, not per byte skipped.
    let quoteAt = -2;
    let backslashAt = -2;
    const nextEnd = (from: number): number => {
      if (quoteAt !== -1 && quoteAt < from) quoteAt = bytes.indexOf(QUOTE, from);
      if (backslashAt !== -1 && backslashAt < from) backslashAt = bytes.indexOf(BACKSLASH, from);
      const ends = [quoteAt, backslashAt].filter((at) => at !== -1);
      return ends.length === 0 ? bytes.length : Math.min(...ends);
    };
    let i = 0;
    while (i < bytes.length) {
      if (!this.#inString) {
        const quote = bytes.indexOf(QUOTE, i);
        const end = quote === -1 ? bytes.length : quote + 1;
        this.#emit(bytes.subarray(i, end));
        if (quote !== -1) this.#openString();
        i = end;
        continue;
      }
      const b = bytes[i]!;
      if (this.#escape.length > 0) {
        this.#escape.push(b);
        i++;
        if ((this.#escape.length === 2 && b !== U) || this.#escape.length === 6) this.#endEscape();
        continue;
      }
      if (b === BACKSLASH) {
        this.#escape = [b];
        this.#owed = 0;
        i++;
        continue;
      }
      if (b === QUOTE) {
        if (this.#dropped > 0) {
          this.#emit(Buffer.from(JSON.stringify(cutNote(this.#dropped)).slice(1, -1)));
          this.#cut = true;
        }
        this.#emitByte(b);
        this.#inString = false;
        i++;
        continue;
      }
      if (this.#owed > 0 && (b & 0xc0) === 0x80) {
        this.#emitByte(b);
        this.#kept++;
        this.#owed--;
        i++;
        continue;
      }
      this.#owed = 0;
      this.#afterHigh = false;
      if (this.#kept < this.#stringBytes) {
        this.#emitByte(b);
        this.#kept++;
        this.#owed = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0;
        i++;
        continue;
      }
      // Past the string's share: skip to whatever may end it.
      const end = nextEnd(i);
      this.#dropped += end - i;
      i = end;
    }
  }

  /** The shortened JSON text, or null when even that was longer than `maxBytes`. */
  finish(): { json: Buffer; cut: boolean } | null {
    if (this.#escape.length > 0) this.#emit(Buffer.from(this.#escape));
    if (this.#tooLong) return null;
    return { json: this.#out.subarray(0, this.#length), cut: this.#cut };
  }

  #openString(): void {
    this.#inString = true;
    this.#kept = 0;
    this.#dropped = 0;
    this.#owed = 0;
    this.#afterHigh = false;
  }

  #endEscape(): void {
    const sequence = this.#escape;
    this.#escape = [];
    const code = sequence.length === 6 ? Number.parseInt(String.fromCharCode(...sequence.slice(2)), 16) : -1;
    const high = code >= 0xd800 && code <= 0xdbff;
    const low = code >= 0xdc00 && code <= 0xdfff;
    if (this.#kept < this.#stringBytes || (low && this.#afterHigh)) {
      this.#emit(Buffer.from(sequence));
      this.#kept += sequence.length;
      this.#afterHigh = high;
    } else {
      this.#dropped += sequence.length;
      this.#afterHigh = false;
    }
  }

  #emitByte(byte: number): void {
    if (!this.#tooLong && this.#length < this.#out.length) this.#out[this.#length++] = byte;
    else this.#emit(Uint8Array.of(byte));
  }

  #emit(bytes: Uint8Array): void {
    if (this.#tooLong) return;
    const needed = this.#length + bytes.length;
    if (needed > this.#maxBytes) {
      this.#tooLong = true;
      return;
    }
    if (needed > this.#out.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.#maxBytes, Math.max(needed, this.#out.length * 2)));
      this.#out.copy(grown, 0, 0, this.#length);
      this.#out = grown;
    }
    this.#out.set(bytes, this.#length);
    this.#length = needed;
  }
}
