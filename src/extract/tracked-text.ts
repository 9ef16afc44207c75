/**
 * Text that remembers where each of its characters came from.
 *
 * Normalisation rewrites a post several times (entities, NFKC, defanging, …)
 * but every span the extractor reports must point into the text the caller
 * passed in. Each rewrite is a list of edits; applying one composes the
 * offset maps. The map is kept as runs ("segments") rather than one entry
 * per character, so a rewrite costs the number of edits, not the length of
 * the text, and any range maps back in O(log segments).
 */

/** Replace `text.slice(start, end)` with `replacement`. */
export interface Edit {
  start: number;
  end: number;
  replacement: string;
  /**
   * The replacement has the same length as the text it replaces and unit
   * `i` stands for unit `start + i` (a run of full-width letters folded to
   * ASCII). Otherwise every unit stands for the whole replaced range.
   */
  aligned?: boolean;
}

/**
 * A run of the current text: units `[at, at + length)` come from the
 * original range `[from, to)`. In an aligned run unit `at + k` comes from
 * unit `from + k` alone; in a replacement run every unit comes from all of
 * `[from, to)`.
 */
interface Segment {
  at: number;
  length: number;
  from: number;
  to: number;
  aligned: boolean;
}

/** A string plus, for every UTF-16 unit, the original range it stands for. */
export class TrackedText {
  readonly text: string;
  readonly #segments: readonly Segment[];

  constructor(text: string, segments?: readonly Segment[]) {
    this.text = text;
    this.#segments = segments ?? [{ at: 0, length: text.length, from: 0, to: text.length, aligned: true }];
  }

  /** Index of the segment holding unit `i` (the last one for `i === text.length`). */
  #find(i: number): number {
    const segs = this.#segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((segs[mid]?.at ?? Infinity) <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  #startOf(i: number): number {
    const seg = this.#segments[this.#find(i)];
    if (seg === undefined) return 0;
    return seg.aligned ? seg.from + Math.min(i - seg.at, seg.length) : seg.from;
  }

  #endOf(i: number): number {
    const seg = this.#segments[this.#find(i)];
    if (seg === undefined) return 0;
    return seg.aligned ? seg.from + Math.min(i - seg.at + 1, seg.length) : seg.to;
  }

  /** Maps `[start, end)` of {@link text} to the smallest original range that produced it. */
  toOriginal(start: number, end: number): { start: number; end: number } {
    const s = Math.max(0, Math.min(start, this.text.length));
    const e = Math.max(s, Math.min(end, this.text.length));
    if (e === s) {
      const at = this.#startOf(s);
      return { start: at, end: at };
    }
    return { start: this.#startOf(s), end: this.#endOf(e - 1) };
  }

  /**
   * Applies non-overlapping edits sorted by `start` (an edit overlapping an
   * earlier one is dropped). Every unit of a replacement maps to the whole
   * original range of the text it replaced, unless the edit is `aligned`.
   */
  apply(edits: readonly Edit[]): TrackedText {
    if (edits.length === 0) return this;
    const src = this.text;
    const out: Segment[] = [];
    const parts: string[] = [];
    let length = 0;
    let cursor = 0;
    let pos = 0;

    const push = (seg: Segment): void => {
      const last = out[out.length - 1];
      if (last !== undefined && last.aligned && seg.aligned && last.at + last.length === seg.at && last.from + last.length === seg.from) {
        last.length += seg.length;
        last.to = last.from + last.length;
      } else {
        out.push(seg);
      }
    };

    // Copies the map of units [a, b) of the current text to the new text at `length`.
    const copy = (a: number, b: number): void => {
      if (a >= b) return;
      while (cursor > 0 && (this.#segments[cursor]?.at ?? 0) > a) cursor--;
      while ((this.#segments[cursor + 1]?.at ?? Infinity) <= a) cursor++;
      for (let k = cursor; k < this.#segments.length; k++) {
        const seg = this.#segments[k];
        if (seg === undefined || seg.at >= b) break;
        const lo = Math.max(a, seg.at);
        const hi = Math.min(b, seg.at + seg.length);
        if (lo >= hi) continue;
        const at = length + (lo - a);
        push(seg.aligned
          ? { at, length: hi - lo, from: seg.from + (lo - seg.at), to: seg.from + (hi - seg.at), aligned: true }
          : { at, length: hi - lo, from: seg.from, to: seg.to, aligned: false });
        cursor = k;
      }
      length += b - a;
    };

    for (const edit of edits) {
      if (edit.start < pos) continue;
      copy(pos, edit.start);
      parts.push(src.slice(pos, edit.start), edit.replacement);
      const n = edit.replacement.length;
      if (edit.aligned === true && n === edit.end - edit.start) {
        copy(edit.start, edit.end);
      } else if (n > 0) {
        const from = edit.start < src.length ? this.#startOf(edit.start) : this.#endOf(src.length - 1);
        const to = edit.end > edit.start ? this.#endOf(edit.end - 1) : from;
        push({ at: length, length: n, from, to, aligned: false });
        length += n;
      }
      pos = edit.end;
    }
    copy(pos, src.length);
    parts.push(src.slice(pos));
    if (out.length === 0) out.push({ at: 0, length: 0, from: this.#endOf(src.length - 1), to: this.#endOf(src.length - 1), aligned: true });
    return new TrackedText(parts.join(''), out);
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
