import type { Db } from '../store/database.js';
import { jsonLines } from './json-lines.js';
import type { IncomingPost, Matcher, MatchCounts } from './matcher.js';
import { CUT_NOTE_MAX_BYTES, DEFAULT_MAX_POST_BYTES } from './post-cap.js';

export interface IngestOptions {
  /** Source name recorded with every post (`reddit`, `manual`, …). */
  source: string;
  /** Posts per transaction. Default 500. */
  pageSize?: number;
  /** Told about each malformed line (1-based line number, what is wrong). */
  onMalformed?: (line: number, problem: string) => void;
  /** Told about each line that is not valid UTF-8; it is read with U+FFFD in place of the bad bytes. */
  onInvalidUtf8?: (line: number) => void;
  /** `ingest.maxPostBytes`: what of a huge line is held in memory (the matcher cuts each post to it). Default 256 KiB. */
  maxPostBytes?: number;
  now?: () => Date;
  /** Runs inside each page's transaction. */
  alsoInTransaction?: (db: Db) => void;
}

export interface IngestSummary extends MatchCounts {
  malformed: number;
  /** Lines that were not valid UTF-8 (read with replacement characters, not skipped). */
  invalidUtf8: number;
}

/**
 * Reads JSON Lines posts (`id`, `text`, optional `url`, `author`,
 * `createdAt`, `links`, and `replyTo`: the id of the post it replies to, of
 * the same source) and drives them through the pipeline as if crawled, a
 * page per transaction. Re-ingesting the same posts changes nothing.
 *
 * A line of up to four times `maxPostBytes` is read whole; a longer one has
 * each of its strings cut to about `maxPostBytes` as it is read, so a 50 MB
 * line costs what a 1 MB one does (the matcher cuts every post's text to
 * `maxPostBytes` anyway), and one still longer after that is malformed.
 */
export async function ingestJsonLines(input: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, matcher: Matcher, options: IngestOptions): Promise<IngestSummary> {
  const pageSize = options.pageSize ?? 500;
  const maxPostBytes = options.maxPostBytes ?? DEFAULT_MAX_POST_BYTES;
  const total: IngestSummary = { posts: 0, stored: 0, references: 0, leaks: 0, queued: 0, maskedWhole: 0, malformed: 0, invalidUtf8: 0 };
  let page: IncomingPost[] = [];
  const flush = () => {
    if (page.length === 0) return;
    const counts = matcher.ingestPage(page, { now: options.now?.(), alsoInTransaction: options.alsoInTransaction });
    for (const key of ['posts', 'stored', 'references', 'leaks', 'queued', 'maskedWhole'] as const) total[key] += counts[key];
    page = [];
  };
  const lineLimit = 4 * maxPostBytes;
  // A cut string and its note stay within maxPostBytes, so the matcher has nothing more to cut.
  const lines = jsonLines(input as AsyncIterable<Uint8Array | string>, { wholeLineBytes: lineLimit, stringBytes: Math.max(1, maxPostBytes - 2 * CUT_NOTE_MAX_BYTES), maxCutLineBytes: lineLimit });
  for await (const line of lines) {
    if ('tooLong' in line) {
      total.malformed++;
      options.onMalformed?.(line.number, `longer than ${lineLimit} bytes even with its long strings cut; skipped`);
      continue;
    }
    if (line.text.trim() === '') continue;
    if (line.invalidUtf8) {
      total.invalidUtf8++;
      options.onInvalidUtf8?.(line.number);
    }
    const post = parsePost(line.text, options.source);
    if (typeof post === 'string') {
      total.malformed++;
      options.onMalformed?.(line.number, post);
      continue;
    }
    page.push(post);
    if (page.length >= pageSize) flush();
  }
  flush();
  return total;
}

/** A post, or what is wrong with the line. */
function parsePost(line: string, source: string): IncomingPost | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record.id !== 'string' && typeof record.id !== 'number') return 'missing "id" (a string or number)';
  if (typeof record.text !== 'string') return 'missing "text" (a string)';
  const optional = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : null);
  const links = Array.isArray(record.links) ? record.links.filter((l): l is string => typeof l === 'string') : undefined;
  const replyTo = record.replyTo;
  if (replyTo !== undefined && replyTo !== null && typeof replyTo !== 'string' && typeof replyTo !== 'number') return '"replyTo" must be the id (a string or number) of the post it replies to';
  return {
    source,
    sourceId: String(record.id),
    text: record.text,
    url: optional('url'),
    author: optional('author'),
    createdAt: optional('createdAt'),
    ...(links ? { links } : {}),
    ...(typeof replyTo === 'string' || typeof replyTo === 'number' ? { replyTo: String(replyTo) } : {}),
  };
}
