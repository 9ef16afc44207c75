/**
 * The lines of a JSON Lines input as `leakwatch ingest` reads them: as
 * bytes, so that a line that is not valid UTF-8 is known by its number, and
 * in bounded memory, so that one huge line does not hold the whole of
 * itself: past `wholeLineBytes` a line's strings are cut as it streams by
 * ({@link JsonStringCutter}).
 */
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { JsonStringCutter } from './json-string-cutter.js';

export interface JsonLinesOptions {
  /** Lines up to this many bytes are read whole. */
  wholeLineBytes: number;
  /** In a longer line, each string keeps this many bytes. */
  stringBytes: number;
  /** A longer line whose strings are cut and is still past this many bytes is given up on (`tooLong`). */
  maxCutLineBytes: number;
}

export type JsonLine =
  | {
      /** 1-based. */
      number: number;
      /** The line, decoded; invalid UTF-8 became U+FFFD. */
      text: string;
      invalidUtf8: boolean;
      /** Some of its strings were cut (the line was longer than `wholeLineBytes`). */
      cut: boolean;
    }
  | { number: number; tooLong: true };

const NEWLINE = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Reads `input` line by line. A chunk's bytes are only looked at until the
 * next chunk is asked for, so the input may hand out one buffer over and
 * over ({@link fileChunks}).
 */
export async function* jsonLines(input: AsyncIterable<Uint8Array | string>, options: JsonLinesOptions): AsyncGenerator<JsonLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let cutter: JsonStringCutter | null = null;
  let number = 0;

  const line = (): JsonLine => {
    number++;
    let bytes: Buffer;
    let cut = false;
    if (cutter !== null) {
      const shortened = cutter.finish();
      cutter = null;
      if (shortened === null) return { number, tooLong: true };
      ({ json: bytes, cut } = shortened);
    } else {
      bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    }
    parts = [];
    size = 0;
    if (bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
    if (number === 1 && bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3);
    return { number, text: bytes.toString('utf8'), invalidUtf8: !isUtf8(bytes), cut };
  };

  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = 0;
    while (at < bytes.length) {
      const newline = bytes.indexOf(NEWLINE, at);
      const piece = bytes.subarray(at, newline === -1 ? bytes.length : newline);
      if (cutter !== null) {
        cutter.push(piece);
      } else if (size + piece.length > options.wholeLineBytes) {
        cutter = new JsonStringCutter(options.stringBytes, options.maxCutLineBytes);
        for (const part of parts) cutter.push(part);
        cutter.push(piece);
        parts = [];
        size = 0;
      } else if (piece.length > 0) {
        // The rest of a line goes on in the next chunk: keep a copy, since a reader may reuse its buffer.
        parts.push(newline === -1 ? Buffer.from(piece) : piece);
        size += piece.length;
      }
      if (newline === -1) break;
      yield line();
      at = newline + 1;
    }
  }
  if (size > 0 || cutter !== null) yield line();
}

/**
 * A file's bytes through one reused buffer. A stream hands out a new buffer
 * per chunk, and a 50 MB file read that way leaves tens of megabytes of
 * garbage for the collector before it runs; this leaves none.
 */
export async function* fileChunks(path: string, chunkBytes = 256 * 1024): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}
