/**
 * TrackedText keeps its offset map as runs; a plain per-character map is the
 * obvious model. Both must agree on every range after any sequence of edits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrackedText, type Edit } from '../../src/extract/tracked-text.js';

/** The obvious implementation: one original [start, end) per unit. */
class Model {
  constructor(readonly text: string, readonly starts: number[], readonly ends: number[]) {}
  static of(text: string): Model {
    return new Model(text, [...text].map((_, i) => i), [...text].map((_, i) => i + 1));
  }
  apply(edits: readonly Edit[]): Model {
    let text = '';
    const starts: number[] = [];
    const ends: number[] = [];
    let pos = 0;
    for (const e of edits) {
      if (e.start < pos) continue;
      for (let i = pos; i < e.start; i++) {
        starts.push(this.starts[i] ?? 0);
        ends.push(this.ends[i] ?? 0);
      }
      text += this.text.slice(pos, e.start) + e.replacement;
      if (e.aligned === true && e.replacement.length === e.end - e.start) {
        for (let i = e.start; i < e.end; i++) {
          starts.push(this.starts[i] ?? 0);
          ends.push(this.ends[i] ?? 0);
        }
      } else {
        // Text inserted at the very end stands for the end of the original.
        const from = this.starts[e.start] ?? this.ends[this.text.length - 1] ?? 0;
        const to = e.end > e.start ? (this.ends[e.end - 1] ?? 0) : from;
        for (let k = 0; k < e.replacement.length; k++) {
          starts.push(from);
          ends.push(to);
        }
      }
      pos = e.end;
    }
    for (let i = pos; i < this.text.length; i++) {
      starts.push(this.starts[i] ?? 0);
      ends.push(this.ends[i] ?? 0);
    }
    return new Model(text + this.text.slice(pos), starts, ends);
  }
  toOriginal(s: number, e: number): { start: number; end: number } {
    return { start: this.starts[s] ?? 0, end: this.ends[e - 1] ?? 0 };
  }
}

/** A pass of sorted, non-overlapping edits over a text of length `n`. */
const pass = (n: number) =>
  fc.array(fc.tuple(fc.nat(n), fc.nat(4), fc.string({ maxLength: 4 }), fc.boolean()), { maxLength: 8 }).map((raw) => {
    const edits: Edit[] = [];
    let pos = 0;
    for (const [at, len, replacement, aligned] of raw.sort((a, b) => a[0] - b[0])) {
      const start = Math.max(at, pos);
      const end = Math.min(n, start + len);
      if (start > end || (start === end && replacement === '')) continue;
      edits.push(aligned ? { start, end, replacement: 'x'.repeat(end - start), aligned: true } : { start, end, replacement: replacement || 'y' });
      pos = end;
    }
    return edits;
  });

describe('TrackedText', () => {
  it('maps ranges back exactly like a per-character map, after any edits', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.nat(), (text, seeds, probe) => {
        let tracked = new TrackedText(text);
        let model = Model.of(text);
        for (const seed of seeds) {
          const edits = fc.sample(pass(model.text.length), { numRuns: 1, seed })[0] ?? [];
          tracked = tracked.apply(edits);
          model = model.apply(edits);
          expect(tracked.text).toBe(model.text);
        }
        const n = model.text.length;
        if (n === 0) return;
        const s = probe % n;
        for (let e = s + 1; e <= n; e++) expect(tracked.toOriginal(s, e)).toEqual(model.toOriginal(s, e));
      }),
      { numRuns: 500 },
    );
  });

  it('maps an unedited text to itself', () => {
    expect(new TrackedText('hello').toOriginal(1, 4)).toEqual({ start: 1, end: 4 });
  });

  it('maps a replacement to the whole range it replaced', () => {
    const t = new TrackedText('zoom[.]us').apply([{ start: 4, end: 7, replacement: '.' }]);
    expect(t.text).toBe('zoom.us');
    expect(t.toOriginal(0, 7)).toEqual({ start: 0, end: 9 });
    expect(t.toOriginal(4, 5)).toEqual({ start: 4, end: 7 });
    expect(t.toOriginal(5, 7)).toEqual({ start: 7, end: 9 });
  });
});
