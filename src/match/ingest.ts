import { createInterface } from 'node:readline';
import type { Db } from '../store/database.js';
import type { IncomingPost, Matcher, MatchCounts } from './matcher.js';

export interface IngestOptions {
  /** Source name recorded with every post (`reddit`, `manual`, …). */
  source: string;
  /** Posts per transaction. Default 500. */
  pageSize?: number;
  /** Told about each malformed line (1-based line number, what is wrong). */
  onMalformed?: (line: number, problem: string) => void;
  now?: () => Date;
  /** Runs inside each page's transaction. */
  alsoInTransaction?: (db: Db) => void;
}

export interface IngestSummary extends MatchCounts {
  malformed: number;
}

/**
 * Reads JSON Lines posts (`id`, `text`, optional `url`, `author`,
 * `createdAt`, `links`, and `replyTo`: the id of the post it replies to, of
 * the same source) and drives them through the pipeline as if crawled, a
 * page per transaction. Re-ingesting the same posts changes nothing.
 */
export async function ingestJsonLines(input: NodeJS.ReadableStream, matcher: Matcher, options: IngestOptions): Promise<IngestSummary> {
  const pageSize = options.pageSize ?? 500;
  const total: IngestSummary = { posts: 0, stored: 0, references: 0, leaks: 0, queued: 0, maskedWhole: 0, malformed: 0 };
  let page: IncomingPost[] = [];
  const flush = () => {
    if (page.length === 0) return;
    const counts = matcher.ingestPage(page, { now: options.now?.(), alsoInTransaction: options.alsoInTransaction });
    for (const key of ['posts', 'stored', 'references', 'leaks', 'queued', 'maskedWhole'] as const) total[key] += counts[key];
    page = [];
  };
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    const post = parsePost(line, options.source);
    if (typeof post === 'string') {
      total.malformed++;
      options.onMalformed?.(lineNumber, post);
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
