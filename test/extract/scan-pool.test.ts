/**
 * Scanning on worker threads gives exactly what scanning on one thread
 * gives: same output in the same order, same error lines and numbers, same
 * counts. The workers run the real bundled entry the executable uses.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without type declarations
import { bundledEntry } from '../../src/cli/bundle-cache.js';
import { scanStream, type ScanOptions } from '../../src/extract/scan.js';
import { tempDir } from '../support/cli.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

let workerUrl: URL;
let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  const src = fileURLToPath(new URL('../../src', import.meta.url));
  workerUrl = new URL((await bundledEntry({ root: src, entry: join(src, 'cli', 'scan-entry.ts'), cacheDir: join(dir, 'cache') })) as string);
}, 60_000);
afterAll(() => cleanup());

async function scan(chunks: Buffer[], options: ScanOptions) {
  const out = new Sink();
  const err = new Sink();
  const summary = await scanStream(Readable.from(chunks), out, err, options);
  return { summary, out: out.text, err: err.text };
}

/** A mixed input: hits, misses, malformed lines, blanks, CRLF, multi-byte text, a BOM and an over-long line. */
function corpus(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 600; i++) {
    if (i % 7 === 0) lines.push(JSON.stringify({ id: `p${i}`, text: `class https://westfield.zoom.us/j/${84_512_397_261 + i}?pwd=abc${i}` }));
    else if (i % 11 === 0) lines.push(`{broken ${i}`);
    else if (i % 13 === 0) lines.push('');
    else if (i % 17 === 0) lines.push(`${JSON.stringify({ id: i, text: 'ｍｅｅｔ．ｇｏｏｇｌｅ．ｃｏｍ／ａｂｃ－ｄｅｆｇ－ｈｉｊ — été' })}\r`);
    else if (i === 300) lines.push(JSON.stringify({ id: 'long', text: 'x'.repeat(5000) }));
    else lines.push(JSON.stringify({ id: i, text: `homework for ${i} at 7:45, call 646-558-${String(8000 + i)}` }));
  }
  return Buffer.from(`\ufeff${lines.join('\n')}`);
}

/** `bytes` cut into pieces of `size`, splitting lines and characters anywhere. */
function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

describe('scanStream on worker threads', () => {
  it('gives byte-for-byte what one thread gives', async () => {
    const input = corpus();
    const base: ScanOptions = { batchBytes: 2048, maxLineBytes: 4000 };
    const single = await scan(pieces(input, 777), base);
    const parallel = await scan(pieces(input, 777), { ...base, parallel: { workerUrl, workers: 2, minBytes: 0 } });
    expect(single.summary.references).toBeGreaterThan(80);
    expect(single.summary.malformed).toBeGreaterThan(40);
    expect(single.err).toContain('line 301: longer than 4000 bytes; skipped');
    expect(parallel).toEqual(single);
  });

  it('starts the workers only once the input reaches minBytes', async () => {
    const input = corpus();
    const small = await scan([input], { parallel: { workerUrl: new URL('file:///nonexistent/worker.mjs'), workers: 2, minBytes: input.length * 2 } });
    expect(small.summary.posts).toBeGreaterThan(400);
  });

  it('fails with the reason, not a hang, when a worker cannot start', async () => {
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, 'throw new Error("worker exploded");\n');
    await expect(scan(pieces(corpus(), 4096), { batchBytes: 1024, parallel: { workerUrl: pathToFileURL(broken), workers: 2, minBytes: 0 } })).rejects.toThrow(/worker exploded/);
  });
});
