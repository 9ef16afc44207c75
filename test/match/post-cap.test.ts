/**
 * The post cap: posts past `ingest.maxPostBytes` are cut before they are
 * read, with a note of what was left out; huge JSON Lines are read without
 * holding themselves whole.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonStringCutter } from '../../src/match/json-string-cutter.js';
import { jsonLines, type JsonLine } from '../../src/match/json-lines.js';
import { capText, CUT_NOTE_MAX_BYTES, cutNote } from '../../src/match/post-cap.js';
import { SETTINGS, tempStore } from '../support/store.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('capText', () => {
  it('leaves a text within the cap alone, and cuts a longer one to the cap, note included', () => {
    expect(capText('zoom.us/j/84512397260', 1024)).toBe('zoom.us/j/84512397260');
    const long = `zoom.us/j/84512397260 ${'a'.repeat(5000)}`;
    const cut = capText(long, 1024);
    expect(bytes(cut)).toBeLessThanOrEqual(1024);
    expect(cut.startsWith('zoom.us/j/84512397260 aaa')).toBe(true);
    const kept = 1024 - CUT_NOTE_MAX_BYTES;
    expect(cut).toBe(`${long.slice(0, kept)}\n[… cut: ${bytes(long) - kept} bytes]`);
  });

  it('counts bytes of UTF-8 and never splits a character or a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.integer({ min: CUT_NOTE_MAX_BYTES, max: 600 }), (text, max) => {
        const cut = capText(text, max);
        if (bytes(text) <= max) return cut === text;
        const note = /\n\[… cut: (\d+) bytes\]$/.exec(cut);
        if (!note) return false;
        const prefix = cut.slice(0, note.index);
        const lastUnit = prefix.charCodeAt(prefix.length - 1);
        const splitPair = lastUnit >= 0xd800 && lastUnit <= 0xdbff && (text.charCodeAt(prefix.length) & 0xfc00) === 0xdc00;
        return bytes(cut) <= max && text.startsWith(prefix) && !splitPair && bytes(prefix) + Number(note[1]) === bytes(text);
      }),
      { numRuns: 500 },
    );
  });
});

/** Runs the cutter over `json` fed in pieces of `piece` bytes. */
function cutJson(json: string, stringBytes: number, piece = 7, maxBytes = 1 << 20) {
  const cutter = new JsonStringCutter(stringBytes, maxBytes);
  const raw = Buffer.from(json, 'utf8');
  for (let at = 0; at < raw.length; at += piece) cutter.push(raw.subarray(at, at + piece));
  const result = cutter.finish();
  return result && { value: JSON.parse(result.json.toString('utf8')) as unknown, cut: result.cut };
}

describe('JsonStringCutter', () => {
  it('keeps JSON whose strings are short exactly as it was, however it is chunked', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), fc.integer({ min: 1, max: 40 }), (json, piece) => {
        const result = cutJson(json, 10_000, piece);
        expect(result).toEqual({ value: JSON.parse(json), cut: false });
      }),
      { numRuns: 300 },
    );
  });

  it('cuts each long string to its share with a note, escapes and characters whole', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 300 })), fc.integer({ min: 1, max: 40 }), (object, piece) => {
        const json = JSON.stringify(object);
        const result = cutJson(json, 50, piece)!;
        const original = Object.entries(object);
        const shortened = Object.entries(result.value as Record<string, string>);
        expect(shortened.map(([key]) => key)).toEqual(original.map(([key]) => key));
        for (const [index, [, value]] of shortened.entries()) {
          const whole = original[index]![1];
          const note = /\n\[… cut: (\d+) bytes\]$/.exec(value);
          if (note === null) {
            expect(value).toBe(whole);
            continue;
          }
          const kept = value.slice(0, note.index);
          expect(whole.startsWith(kept)).toBe(true);
          // Bytes are counted as written in the JSON text (escapes included), kept and dropped adding up.
          expect(Buffer.byteLength(JSON.stringify(kept)) - 2 + Number(note[1])).toBe(Buffer.byteLength(JSON.stringify(whole)) - 2);
          expect(Buffer.byteLength(JSON.stringify(kept)) - 2).toBeLessThanOrEqual(50 + 12);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives up on a text still too long once its strings are cut', () => {
    expect(cutJson(JSON.stringify({ links: Array.from({ length: 5000 }, (_, i) => `https://example.com/${i}`) }), 100, 64, 10_000)).toBeNull();
  });
});

async function* chunks(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  // One buffer handed out again and again, as fileChunks does.
  const shared = Buffer.alloc(size);
  for (let at = 0; at < data.length; at += size) {
    const n = data.copy(shared, 0, at, at + size);
    yield shared.subarray(0, n);
  }
}

async function lines(data: Buffer, size: number): Promise<JsonLine[]> {
  const read: JsonLine[] = [];
  for await (const line of jsonLines(chunks(data, size), { wholeLineBytes: 200, stringBytes: 100, maxCutLineBytes: 400 })) read.push(line);
  return read;
}

describe('jsonLines', () => {
  it('numbers lines, drops a BOM and CRs, flags invalid UTF-8, and cuts long lines as they stream', async () => {
    const data = Buffer.concat([
      Buffer.from('\ufeff{"id":1,"text":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}\r\n\n'),
      Buffer.from(JSON.stringify({ id: 3, text: `zoom.us/j/84512397260 ${'x'.repeat(1000)}` })),
      Buffer.from('\n'),
      Buffer.from(JSON.stringify({ id: 4, links: Array.from({ length: 100 }, () => 'https://example.com') })),
      Buffer.from('\n{"id":5,"text":"last"}'),
    ]);
    for (const size of [1, 3, 64, 100_000]) {
      const read = await lines(data, size);
      expect(read.map((l) => l.number)).toEqual([1, 2, 3, 4, 5]);
      expect(read[0]).toEqual({ number: 1, text: '{"id":1,"text":"caf\ufffd"}', invalidUtf8: true, cut: false });
      expect(read[1]).toEqual({ number: 2, text: '', invalidUtf8: false, cut: false });
      const third = read[2] as { text: string; cut: boolean };
      expect(third.cut).toBe(true);
      expect(JSON.parse(third.text)).toEqual({ id: 3, text: `zoom.us/j/84512397260 ${'x'.repeat(78)}${cutNote(1000 + 22 - 100)}` });
      expect(read[3]).toEqual({ number: 4, tooLong: true });
      expect(read[4]).toEqual({ number: 5, text: '{"id":5,"text":"last"}', invalidUtf8: false, cut: false });
    }
  });
});

describe('the matcher', () => {
  it('cuts every post it is handed (crawled or ingested) to maxPostBytes, text and links, before reading it', () => {
    const store = tempStore({ ...SETTINGS, maxPostBytes: 4096 });
    try {
      const text = `zoom.us/j/84512397260 ${'word '.repeat(2000)}`;
      const counts = store.matcher.ingestPage([{ source: 'reddit', sourceId: 't3_1', text, links: ['https://zoom.us/j/86122904418'] }]);
      expect(counts).toMatchObject({ stored: 1, references: 1 });
      const stored = store.db.prepare('SELECT text FROM posts').pluck().get() as string;
      expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(4096);
      expect(stored).toMatch(/^zoom\.us\/j\/84512397260 word word .*\n\[… cut: \d+ bytes\]$/s);
      expect(store.db.prepare('SELECT meeting_id FROM sightings').pluck().all()).toEqual(['84512397260']);
    } finally {
      store.cleanup();
    }
  });
});
