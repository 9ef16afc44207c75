/**
 * `leakwatch scan`: meeting references in a JSON Lines stream of posts
 * (DESIGN.md §3). Streams in bounded memory (one chunk plus one line at a
 * time, so a 1 GB file costs what a 1 MB one does), waits for the output to
 * drain, and writes in batches.
 */
import { once } from 'node:events';
import { extractRefs } from './index.js';
import { parsePost, readFlatPost } from './post-line.js';

/** How `scanStream` reads its input. */
export interface ScanOptions {
  /** Every input line is one post whose id is its 1-based line number. Default false. */
  plain?: boolean;
  /**
   * A line longer than this (in bytes) is reported and skipped instead of
   * being held in memory. Default 64 MiB.
   */
  maxLineBytes?: number;
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

/** Output is written in batches of about this many UTF-16 units. */
const BATCH = 64 * 1024;
const DEFAULT_MAX_LINE = 64 * 1024 * 1024;

/** Buffers writes to one stream and honours its back-pressure. */
class BatchWriter {
  readonly #stream: NodeJS.WritableStream;
  #parts: string[] = [];
  #size = 0;

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }

  get full(): boolean {
    return this.#size >= BATCH;
  }

  push(line: string): void {
    this.#parts.push(line);
    this.#size += line.length;
  }

  async flush(): Promise<void> {
    if (this.#parts.length === 0) return;
    const chunk = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    if (!this.#stream.write(chunk)) await drained(this.#stream);
  }
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
  const out = new BatchWriter(output);
  const err = new BatchWriter(errors);
  const plain = options.plain === true;
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;

  const report = (problem: string): void => {
    summary.malformed++;
    err.push(`line ${summary.lines}: ${problem}\n`);
  };

  const handle = (rawLine: string): void => {
    summary.lines++;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.length === 0 || line.trim().length === 0) return;
    let id: string | number | null = null;
    let rawId = '';
    let text: string;
    if (plain) {
      id = summary.lines;
      text = line;
    } else {
      const fast = readFlatPost(line);
      if (fast !== null) {
        text = fast.text;
        rawId = fast.rawId;
      } else {
        const post = parsePost(line);
        if ('problem' in post) {
          report(post.problem);
          return;
        }
        ({ id, text } = post);
      }
    }
    summary.posts++;
    const refs = extractRefs(text);
    if (refs.length === 0) return;
    const post = id ?? (JSON.parse(rawId) as string | number);
    for (const ref of refs) {
      summary.references++;
      out.push(`${JSON.stringify({ post, ...ref })}\n`);
    }
  };

  // Bytes after the last newline wait for the next chunk, so a multi-byte character is never
  // split when decoding (a newline byte never occurs inside one).
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let carry = '';
  let skippingLongLine = false;
  let first = true;
  const skipLongLine = (): void => {
    summary.malformed++;
    err.push(`line ${summary.lines + 1}: longer than ${maxLine} bytes; skipped\n`);
    skippingLongLine = true;
    pending = [];
    pendingBytes = 0;
    carry = '';
  };
  for await (const chunk of input) {
    let data: string;
    if (typeof chunk === 'string') {
      data = chunk;
    } else {
      const lastNewline = chunk.lastIndexOf(10);
      if (lastNewline < 0) {
        if (!skippingLongLine) {
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes > maxLine) skipLongLine();
        }
        continue;
      }
      const head = pending.length === 0 ? chunk.subarray(0, lastNewline + 1) : Buffer.concat([...pending, chunk.subarray(0, lastNewline + 1)]);
      data = head.toString('utf8');
      pending = lastNewline + 1 < chunk.length ? [chunk.subarray(lastNewline + 1)] : [];
      pendingBytes = chunk.length - lastNewline - 1;
    }
    if (first && data.length > 0) {
      if (data.charCodeAt(0) === 0xfeff) data = data.slice(1);
      first = false;
    }
    let pos = 0;
    for (let nl = data.indexOf('\n'); nl !== -1; nl = data.indexOf('\n', pos)) {
      if (skippingLongLine) {
        skippingLongLine = false;
        carry = '';
        summary.lines++;
      } else if (carry.length > 0) {
        handle(carry + data.slice(pos, nl));
        carry = '';
      } else {
        handle(data.slice(pos, nl));
      }
      pos = nl + 1;
      if (out.full) await out.flush();
      if (err.full) await err.flush();
    }
    if (!skippingLongLine) carry += data.slice(pos);
    if (carry.length > maxLine) skipLongLine();
    await out.flush();
    await err.flush();
  }
  const rest = skippingLongLine ? '' : carry + Buffer.concat(pending).toString('utf8');
  if (!skippingLongLine && rest.length > 0) handle(rest);
  else if (skippingLongLine) summary.lines++;
  await out.flush();
  await err.flush();
  return summary;
}
