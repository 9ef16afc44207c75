/**
 * Text that remembers where each of its characters came from.
 *
 * Normalisation rewrites a post many times (entities, NFKC, defanging, …) but
 * every span the extractor reports must point into the text the caller passed
 * in. Each rewrite is a list of edits; applying it composes the offset maps, so
 * any range of the final text maps back to the original in O(1).
 */

/** Replace `text.slice(start, end)` with `replacement`. */
export interface Edit {
  start: number;
  end: number;
  replacement: string;
}

/** A string plus, for every UTF-16 unit, the original range it stands for. */
export class TrackedText {
  readonly text: string;
  /** Original start offset of each unit; null while the text is the original. */
  readonly #starts: Int32Array | null;
  /** Original end offset (exclusive) of each unit; null while the text is the original. */
  readonly #ends: Int32Array | null;
  readonly #originalLength: number;

  constructor(text: string, starts: Int32Array | null = null, ends: Int32Array | null = null, originalLength = text.length) {
    this.text = text;
    this.#starts = starts;
    this.#ends = ends;
    this.#originalLength = originalLength;
  }

  /** True when no edit has been applied, so offsets are the original ones. */
  get isOriginal(): boolean {
    return this.#starts === null;
  }

  #start(i: number): number {
    return this.#starts === null ? i : (this.#starts[i] ?? this.#originalLength);
  }

  #end(i: number): number {
    return this.#ends === null ? i + 1 : (this.#ends[i] ?? this.#originalLength);
  }

  /** Maps `[start, end)` of {@link text} to the smallest original range that produced it. */
  toOriginal(start: number, end: number): { start: number; end: number } {
    const s = Math.max(0, Math.min(start, this.text.length));
    const e = Math.max(s, Math.min(end, this.text.length));
    if (this.#starts === null) return { start: s, end: e };
    if (e === s) {
      const at = s < this.text.length ? this.#start(s) : this.#originalLength;
      return { start: at, end: at };
    }
    return { start: this.#start(s), end: this.#end(e - 1) };
  }

  /**
   * Applies non-overlapping edits sorted by `start`. Every unit of a
   * replacement maps to the whole original range of the text it replaced.
   */
  apply(edits: readonly Edit[]): TrackedText {
    if (edits.length === 0) return this;
    const src = this.text;
    const starts: number[] = [];
    const ends: number[] = [];
    const parts: string[] = [];
    let pos = 0;
    for (const edit of edits) {
      if (edit.start < pos) continue; // overlapping edit: the earlier one wins
      this.#copy(pos, edit.start, starts, ends);
      parts.push(src.slice(pos, edit.start));
      if (edit.replacement.length > 0) {
        const from = edit.start < src.length ? this.#start(edit.start) : this.#originalLength;
        const to = edit.end > edit.start ? this.#end(edit.end - 1) : from;
        for (let k = 0; k < edit.replacement.length; k++) {
          starts.push(from);
          ends.push(to);
        }
        parts.push(edit.replacement);
      }
      pos = edit.end;
    }
    this.#copy(pos, src.length, starts, ends);
    parts.push(src.slice(pos));
    return new TrackedText(parts.join(''), Int32Array.from(starts), Int32Array.from(ends), this.#originalLength);
  }

  #copy(from: number, to: number, starts: number[], ends: number[]): void {
    for (let i = from; i < to; i++) {
      starts.push(this.#start(i));
      ends.push(this.#end(i));
    }
  }
}

/**
 * Collects one edit per match of a global regex. `replace` returns the
 * replacement, or null to leave that match alone.
 */
export function editsFor(text: string, pattern: RegExp, replace: (match: RegExpExecArray) => string | null): Edit[] {
  const edits: Edit[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const replacement = replace(m);
    if (replacement !== null && replacement !== m[0]) {
      edits.push({ start: m.index, end: m.index + m[0].length, replacement });
    }
  }
  return edits;
}
