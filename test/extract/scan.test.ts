/**
 * `scanStream`, the engine of `leakwatch scan`: output shape, malformed
 * lines, plain mode, back-pressure, and streaming a large input in bounded
 * memory.
 */
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { scanBatch, scanStream, type ScanOptions } from '../../src/extract/scan.js';
import { fastest } from '../support/timing.js';

/** A writable that keeps what it was given, optionally slowly and with a tiny buffer. */
class Sink extends Writable {
  chunks: string[] = [];
  writes = 0;
  constructor(private readonly delayMs = 0, highWaterMark = 16 * 1024) {
    super({ highWaterMark, decodeStrings: false });
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.writes++;
    this.chunks.push(chunk.toString());
    if (this.delayMs > 0) setTimeout(done, this.delayMs);
    else done();
  }
  get text(): string {
    return this.chunks.join('');
  }
  get lines(): string[] {
    return this.text.split('\n').filter((l) => l.length > 0);
  }
}

async function scan(input: string | string[], options?: ScanOptions) {
  const out = new Sink();
  const err = new Sink();
  const chunks = Array.isArray(input) ? input : [input];
  const summary = await scanStream(Readable.from(chunks.map((c) => Buffer.from(c))), out, err, options);
  return { summary, out: out.lines.map((l) => JSON.parse(l) as Record<string, unknown>), err: err.lines };
}

const post = (id: unknown, text: string) => `${JSON.stringify({ id, source: 'reddit', createdAt: '2026-01-01T00:00:00Z', text })}\n`;

describe('scanStream', () => {
  it('writes one JSON line per reference with the contract keys', async () => {
    const { summary, out, err } = await scan(
      post('p1', 'class at https://westfield.zoom.us/j/84512397261?pwd=abc123 and https://meet.google.com/abc-defg-hij') +
        post(2, 'nothing here, call 646-558-8656') +
        post('p3', 'Meeting ID: 845 1239 7261 Passcode: 662810'),
    );
    expect(err).toEqual([]);
    expect(summary).toEqual({ lines: 3, posts: 3, references: 3, malformed: 0 });
    expect(out).toHaveLength(3);
    for (const line of out) {
      expect(Object.keys(line)).toEqual(expect.arrayContaining(['post', 'platform', 'meetingId', 'passcode', 'url', 'host', 'orgHint']));
    }
    expect(out[0]).toMatchObject({
      post: 'p1', platform: 'zoom', meetingId: '84512397261', passcode: 'abc123',
      url: 'https://westfield.zoom.us/j/84512397261?pwd=abc123', host: 'westfield.zoom.us',
      orgHint: { kind: 'zoom-subdomain', value: 'westfield' },
    });
    expect(out[1]).toMatchObject({ post: 'p1', platform: 'google-meet', meetingId: 'abc-defg-hij', passcode: null, orgHint: null });
    expect(out[2]).toMatchObject({ post: 'p3', platform: 'zoom', meetingId: '84512397261', passcode: '662810', url: null, host: null });
  });

  it('keeps the id as given, string or number', async () => {
    const { out } = await scan(post(42, 'https://zoom.us/j/84512397261') + post('0042', 'https://zoom.us/j/84512397261'));
    expect(out.map((o) => o.post)).toEqual([42, '0042']);
  });

  it('reads posts that need the slow path: escapes, nesting, key order, blanks', async () => {
    const lines = [
      '{"text":"tab\\tthen https:\\/\\/zoom.us\\/j\\/84512397261\\n","id":"esc"}',
      '{"id":"nested","meta":{"lang":"en","tags":["a","b"]},"text":"https://zoom.us/j/84512397261"}',
      '  { "id" : "spaced" , "text" : "https://zoom.us/j/84512397261" }  ',
      '{"id":"uni","text":"\\u007a\\u006f\\u006f\\u006d.us/j/84512397261"}',
      '{"id":"dup","text":"nothing","text":"https://zoom.us/j/84512397261"}',
      '{"id":"first","id":"last","text":"https://zoom.us/j/84512397261"}',
      '{"text":"https://zoom.us/j/84512397261","source":"x","id":"id-after-text"}',
    ];
    const { out, err } = await scan(`${lines.join('\n')}\n`);
    expect(err).toEqual([]);
    expect(out.map((o) => o.post)).toEqual(['esc', 'nested', 'spaced', 'uni', 'dup', 'last', 'id-after-text']);
  });

  it('reports malformed lines with their numbers, skips them and goes on', async () => {
    const input = [
      post('ok1', 'https://zoom.us/j/84512397261'),
      'this is not json\n',
      '\n',
      '[1,2,3]\n',
      '{"text":"https://zoom.us/j/84512397261"}\n',
      '{"id":"p5"}\n',
      '{"id":"p6","text":42}\n',
      '{"id":"p7","text":"x",}\n',
      '{"id":null,"text":"x"}\n',
      '"just a string"\n',
      '   \n',
      '{"id":true,"text":"x"}\n',
      post('ok2', 'https://meet.google.com/abc-defg-hij'),
      '{"id":"p14","text":"unterminated\n',
    ].join('');
    const { summary, out, err } = await scan(input);
    expect(out.map((o) => o.post)).toEqual(['ok1', 'ok2']);
    expect(err.map((e) => e.slice(0, e.indexOf(':')))).toEqual(['line 2', 'line 4', 'line 5', 'line 6', 'line 7', 'line 8', 'line 9', 'line 10', 'line 12', 'line 14']);
    expect(err[0]).toMatch(/^line 2: not valid JSON/);
    expect(err[1]).toBe('line 4: expected a JSON object with "id" and "text", got an array');
    expect(err[2]).toBe('line 5: missing "id"');
    expect(err[3]).toBe('line 6: missing "text"');
    expect(err[4]).toBe('line 7: "text" must be a string, got a number');
    expect(err[5]).toMatch(/^line 8: not valid JSON/);
    expect(err[6]).toBe('line 9: missing "id"');
    expect(err[7]).toBe('line 10: expected a JSON object with "id" and "text", got a string');
    expect(err[8]).toBe('line 12: "id" must be a string or a number, got a boolean');
    expect(summary).toEqual({ lines: 14, posts: 2, references: 2, malformed: 10 });
  });

  it('handles CRLF line ends, a BOM, a last line without newline and lines split across chunks', async () => {
    const whole = `\ufeff${post('a', 'https://zoom.us/j/84512397261').replace('\n', '\r\n')}${post('b', 'ｚｏｏｍ．ｕｓ／ｊ／８４５１２３９７２６１').trimEnd()}`;
    const bytes = Buffer.from(whole);
    // Split inside a multi-byte character and inside a line.
    const cut = bytes.indexOf(Buffer.from('ｚ')) + 1;
    const out = new Sink();
    const err = new Sink();
    const summary = await scanStream(Readable.from([bytes.subarray(0, 7), bytes.subarray(7, cut), bytes.subarray(cut)]), out, err);
    expect(err.lines).toEqual([]);
    expect(out.lines.map((l) => JSON.parse(l).post)).toEqual(['a', 'b']);
    expect(summary).toEqual({ lines: 2, posts: 2, references: 2, malformed: 0 });
  });

  it('reports and skips a line longer than the limit without holding it', async () => {
    const huge = `{"id":"huge","text":"${'x'.repeat(5000)} https://zoom.us/j/84512397261"}\n`;
    const chunks = [post('a', 'https://zoom.us/j/84512397261'), ...huge.match(/[\s\S]{1,700}/g)!, post('b', 'https://zoom.us/j/93456789012')];
    const out = new Sink();
    const err = new Sink();
    const summary = await scanStream(Readable.from(chunks.map((c) => Buffer.from(c))), out, err, { maxLineBytes: 2000 });
    expect(out.lines.map((l) => JSON.parse(l).post)).toEqual(['a', 'b']);
    expect(err.lines).toEqual(['line 2: longer than 2000 bytes; skipped']);
    expect(summary).toEqual({ lines: 3, posts: 2, references: 2, malformed: 1 });
  });

  it('scans a post of a link and 100 kB of commas within the extractor budget (it took 8.5 s)', () => {
    const line = post('p1', `https://zoom.us/j/84512397261 ${','.repeat(100_000)}`);
    scanBatch(line, 1, false);
    // 50 ms per 100 kB, best of a few calls: the property tests' budget (test/extract/properties.test.ts).
    const { result, ms } = fastest(() => scanBatch(line, 1, false), 50);
    expect(ms).toBeLessThan(50);
    expect(result.references).toBe(1);
  });

  it('plain mode treats every line as a post numbered by its line', async () => {
    const { summary, out, err } = await scan('hello\nhttps://zoom.us/j/84512397261\n\n{"id":"x","text":"not json here: meet.google.com/abc-defg-hij"}\nMeeting ID: 845 1239 7261 Passcode: 662810', { plain: true });
    expect(err).toEqual([]);
    expect(out.map((o) => [o.post, o.platform, o.meetingId])).toEqual([
      [2, 'zoom', '84512397261'],
      [4, 'google-meet', 'abc-defg-hij'],
      [5, 'zoom', '84512397261'],
    ]);
    expect(summary).toEqual({ lines: 5, posts: 4, references: 3, malformed: 0 });
  });

  it('waits for a slow output to drain and loses nothing', async () => {
    const n = 3000;
    const input = Array.from({ length: n }, (_, i) => post(i, `room ${i}: https://zoom.us/j/${84_512_397_261 + i}`)).join('');
    const out = new Sink(1, 256);
    const err = new Sink();
    let drains = 0;
    out.on('drain', () => drains++);
    const summary = await scanStream(Readable.from([Buffer.from(input)]), out, err);
    expect(summary.references).toBe(n);
    expect(drains).toBeGreaterThan(0);
    // Written in batches, not one write per reference.
    expect(out.writes).toBeLessThan(n / 10);
    expect(out.lines.map((l) => JSON.parse(l).post)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('streams 50 MB without holding the input', async () => {
    const TOTAL = 50 * 1024 * 1024;
    const filler = post('filler', 'nothing to see here, just talking about homework and the bus schedule for 7:45am tomorrow');
    const planted = post('hit', 'join https://zoom.us/j/84512397261 now');
    let produced = 0;
    let producedAtFirstOutput = -1;
    async function* generate(): AsyncGenerator<Buffer> {
      let i = 0;
      while (produced < TOTAL) {
        const lines: string[] = [];
        for (let k = 0; k < 500; k++, i++) lines.push(i % 1000 === 0 ? planted : filler);
        const chunk = Buffer.from(lines.join(''));
        produced += chunk.length;
        yield chunk;
      }
    }
    const out = new Sink();
    const write = out.write.bind(out);
    out.write = ((chunk: string | Buffer, ...rest: never[]) => {
      if (producedAtFirstOutput < 0) producedAtFirstOutput = produced;
      return write(chunk, ...rest);
    }) as typeof out.write;
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const timer = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }, 20);
    const summary = await scanStream(Readable.from(generate()), out, new Sink());
    clearInterval(timer);
    expect(summary.malformed).toBe(0);
    expect(summary.references).toBe(Math.ceil(summary.posts / 1000));
    expect(produced).toBeGreaterThanOrEqual(TOTAL);
    // Output started long before the input ended, and the heap never held a large part of it.
    expect(producedAtFirstOutput).toBeGreaterThan(0);
    expect(producedAtFirstOutput).toBeLessThan(TOTAL / 10);
    expect(heapPeak - heapBefore).toBeLessThan(TOTAL / 2);
  }, 120_000);
});
