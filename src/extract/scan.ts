/**
 * `leakwatch scan`: meeting references in a JSON Lines stream of posts
 * (DESIGN.md §3). Streams in bounded memory (a few batches of lines at a
 * time, so a 1 GB file costs what a 10 MB one does), waits for the output to
 * drain, and writes in batches.
 *
 * The input is cut into batches of whole lines; each batch is scanned by
 * {@link scanBatch}, here or — for large inputs, when the caller provides a
 * worker entry — on worker threads (`scan-pool.ts`). Results are written in
 * input order either way, so the output does not depend on how it was made.
 */
import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { extractRefs } from './index.js';
import { parsePost, readFlatPost } from './post-line.js';
import type { ScanPool } from './scan-pool.js';

/** How `scanStream` reads its input. */
export interface ScanOptions {
  /** Every input line is one post whose id is its 1-based line number. Default false. */
  plain?: boolean;
  /**
   * A line longer than this (in bytes) is reported and skipped instead of
   * being held in memory. Default 64 MiB.
   */
  maxLineBytes?: number;
  /** Lines are scanned in batches of about this many bytes. Default 1 MiB. */
  batchBytes?: number;
  /** Scan batches on worker threads once this much input has been read. Default: never. */
  parallel?: ScanParallelism;
}

/** Worker threads for large inputs. */
export interface ScanParallelism {
  /** A JavaScript module that, started as a worker, calls `serveScanWorker()` (scan-pool.ts). */
  workerUrl: URL;
  /** How many workers. */
  workers: number;
  /** Inputs smaller than this are scanned on the calling thread. Default 8 MiB. */
  minBytes?: number;
}

/** What one scan read and wrote. */
export interface ScanSummary {
  /** Input lines, blank ones included. */
  lines: number;
  /** Lines read as posts. */
  posts: number;
  /** Output lines written, one per reference. */
  references: number;
  /** Lines reported on the error stream and skipped. */
  malformed: number;
}

/** What scanning one batch of lines produced: output and error text, and its counts. */
export interface BatchResult extends ScanSummary {
  out: string;
  err: string;
}

/** A run of whole lines (each ending in a newline) and the number of its first line. */
export interface LineBatch {
  bytes: Buffer;
  firstLine: number;
  /** The batch starts the input, so a byte-order mark may open it. */
  start: boolean;
}

/** What is said of a line that is not valid UTF-8: it is read all the same, each bad byte sequence a U+FFFD. */
export const INVALID_UTF8 = 'not valid UTF-8; read with U+FFFD in place of the bad bytes';

const DEFAULT_MAX_LINE = 64 * 1024 * 1024;
const DEFAULT_BATCH = 1024 * 1024;
const DEFAULT_PARALLEL_MIN = 2 * 1024 * 1024;

/** Decodes a batch's bytes (whole lines, so no character is split) and drops a leading byte-order mark. */
export function batchText(bytes: Uint8Array, start: boolean): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return start && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Scans whole lines of `text` (every line ends in `\n`), the first of which
 * is line `firstLine` of the input: one JSON line per reference in `out`,
 * `line N: what is wrong` per malformed line in `err`, and a note per line
 * of `invalidUtf8` (line numbers, ascending), which is scanned all the same.
 * Blank lines are skipped silently.
 */
export function scanBatch(text: string, firstLine: number, plain: boolean, invalidUtf8: readonly number[] = []): BatchResult {
  const result: BatchResult = { out: '', err: '', lines: 0, posts: 0, references: 0, malformed: 0 };
  const out: string[] = [];
  const err: string[] = [];
  let pos = 0;
  let invalid = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', pos)) {
    const lineNumber = firstLine + result.lines;
    result.lines++;
    if (invalidUtf8[invalid] === lineNumber) {
      invalid++;
      err.push(`line ${lineNumber}: ${INVALID_UTF8}\n`);
    }
    const end = nl > pos && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
    const line = text.slice(pos, end);
    pos = nl + 1;
    if (line.length === 0 || line.trim().length === 0) continue;
    let id: string | number | null = null;
    let rawId = '';
    let body: string;
    if (plain) {
      id = lineNumber;
      body = line;
    } else {
      const fast = readFlatPost(line);
      if (fast !== null) {
        body = fast.text;
        rawId = fast.rawId;
      } else {
        const post = parsePost(line);
        if ('problem' in post) {
          result.malformed++;
          err.push(`line ${lineNumber}: ${post.problem}\n`);
          continue;
        }
        ({ id, text: body } = post);
      }
    }
    result.posts++;
    const refs = extractRefs(body);
    if (refs.length === 0) continue;
    const post = id ?? (JSON.parse(rawId) as string | number);
    for (const ref of refs) {
      result.references++;
      out.push(`${JSON.stringify({ post, ...ref })}\n`);
    }
  }
  result.out = out.join('');
  result.err = err.join('');
  return result;
}

/** The numbers of the lines of a batch that are not valid UTF-8 (none, in the common case, found at SIMD speed). */
export function invalidUtf8Lines(batch: LineBatch): number[] {
  if (isUtf8(batch.bytes)) return [];
  const lines: number[] = [];
  let number = batch.firstLine;
  for (let start = 0; start < batch.bytes.length; number++) {
    const newline = batch.bytes.indexOf(10, start);
    const end = newline === -1 ? batch.bytes.length : newline;
    if (!isUtf8(batch.bytes.subarray(start, end))) lines.push(number);
    start = end + 1;
  }
  return lines;
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) n++;
  return n;
}

const NEWLINE = Buffer.from('\n');

/**
 * Cuts the input into batches of whole lines of about `batchBytes`; a line
 * still unfinished after `maxLine` bytes is dropped as it streams by and
 * yielded as `{ skipped: lineNumber }`. A last line without a newline gets one.
 */
async function* lineBatches(input: AsyncIterable<Buffer | string>, batchBytes: number, maxLine: number): AsyncGenerator<LineBatch | { skipped: number }> {
  let parts: Buffer[] = [];
  let partsBytes = 0;
  let partsLines = 0;
  let tail: Buffer[] = [];
  let tailBytes = 0;
  let nextLine = 1;
  let start = true;
  let skipping = false;
  const take = (): LineBatch => {
    const batch = { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, partsBytes), firstLine: nextLine, start };
    start = false;
    nextLine += partsLines;
    parts = [];
    partsBytes = 0;
    partsLines = 0;
    return batch;
  };
  for await (const chunk of input) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (skipping) {
      const nl = bytes.indexOf(10);
      if (nl === -1) continue;
      skipping = false;
      nextLine++;
      bytes = bytes.subarray(nl + 1);
    }
    const last = bytes.lastIndexOf(10);
    if (last !== -1) {
      const head = bytes.subarray(0, last + 1);
      if (tailBytes > 0) parts.push(...tail);
      parts.push(head);
      partsBytes += tailBytes + head.length;
      partsLines += countNewlines(head);
      tail = [];
      tailBytes = 0;
      bytes = bytes.subarray(last + 1);
    }
    if (bytes.length > 0) {
      tail.push(bytes);
      tailBytes += bytes.length;
    }
    if (tailBytes > maxLine) {
      if (partsLines > 0) yield take();
      yield { skipped: nextLine };
      start = false;
      skipping = true;
      tail = [];
      tailBytes = 0;
    } else if (partsBytes >= batchBytes) {
      yield take();
    }
  }
  if (skipping) return;
  if (tailBytes > 0) {
    parts.push(...tail, NEWLINE);
    partsBytes += tailBytes + 1;
    partsLines++;
  }
  if (partsLines > 0) yield take();
}

/** Resolves on `drain`; rejects if the stream fails or closes first, so a dead pipe cannot hang the scan. */
async function drained(stream: NodeJS.WritableStream): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([
      once(stream, 'drain', { signal: ac.signal }),
      once(stream, 'close', { signal: ac.signal }).then(() => {
        throw new Error('output closed before all references were written');
      }),
    ]);
  } finally {
    ac.abort();
  }
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (text.length > 0 && !stream.write(text)) await drained(stream);
}

/**
 * Reads JSON Lines posts from `input` and writes one JSON line per meeting
 * reference to `output`; each malformed line goes to `errors` as
 * `line N: what is wrong` and is skipped. Blank lines are skipped silently.
 * Neither output stream is ended.
 */
export async function scanStream(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  errors: NodeJS.WritableStream,
  options: ScanOptions = {},
): Promise<ScanSummary> {
  const summary: ScanSummary = { lines: 0, posts: 0, references: 0, malformed: 0 };
  const plain = options.plain === true;
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  const parallel = options.parallel;
  let pool: ScanPool | null = null;
  let read = 0;
  // Results not yet written, oldest first; a worker's may still be running.
  const waiting: Promise<BatchResult>[] = [];

  const settle = async (result: BatchResult): Promise<void> => {
    summary.lines += result.lines;
    summary.posts += result.posts;
    summary.references += result.references;
    summary.malformed += result.malformed;
    await write(output, result.out);
    await write(errors, result.err);
  };

  try {
    for await (const slot of lineBatches(input as AsyncIterable<Buffer | string>, options.batchBytes ?? DEFAULT_BATCH, maxLine)) {
      let result: BatchResult | Promise<BatchResult>;
      if ('skipped' in slot) {
        result = { out: '', err: `line ${slot.skipped}: longer than ${maxLine} bytes; skipped\n`, lines: 1, posts: 0, references: 0, malformed: 1 };
      } else {
        read += slot.bytes.length;
        if (parallel !== undefined && pool === null && parallel.workers > 0 && read >= (parallel.minBytes ?? DEFAULT_PARALLEL_MIN)) {
          const { ScanPool } = await import('./scan-pool.js');
          pool = new ScanPool(parallel.workerUrl, parallel.workers);
        }
        const invalid = invalidUtf8Lines(slot);
        result = pool !== null ? pool.run(slot, plain, invalid) : scanBatch(batchText(slot.bytes, slot.start), slot.firstLine, plain, invalid);
      }
      const promise = Promise.resolve(result);
      promise.catch(() => {}); // awaited in order below; this only stops an early failure counting as unhandled
      waiting.push(promise);
      while (waiting.length > (pool?.capacity ?? 0)) await settle(await waiting.shift()!);
    }
    while (waiting.length > 0) await settle(await waiting.shift()!);
  } finally {
    await pool?.close();
  }
  return summary;
}
