import type { Config, Secrets, SourceName } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { HttpClient } from './http-client.js';
import type { Walk } from './walk.js';

/** A public post as a crawler reads it (DESIGN.md §6). */
export interface Post {
  source: SourceName;
  /** The source's own id, unique within the source. */
  sourceId: string;
  /** Permalink. */
  url: string | null;
  author: string | null;
  /** ISO-8601. */
  createdAt: string | null;
  /** Visible text, markup removed. */
  text: string;
  /** Links from the markup and metadata (hrefs, facets, embeds), which the visible text may shorten. */
  links: string[];
  /**
   * The `sourceId` of the post this one replies to, on the same source, when
   * the source says: a passcode in a reply belongs to the meeting its parent names.
   */
  replyTo?: string;
}

/** One page of posts from one scope (a query, a subreddit, an instance, a board). */
export interface CrawlPage {
  scope: string;
  posts: Post[];
  /**
   * What to store as the scope's cursor once this page is committed (in the
   * same transaction), or null to keep the stored one. A crawler that walks a
   * listing newest first takes it from its {@link Walk} (`./walk.ts`): every
   * page carries where the walk stands, so a walk stopped by the page cap or
   * a crash goes on from there next run and the cursor never passes a post
   * that was not read.
   */
  cursor: string | null;
}

export interface CrawlContext<C> {
  /** The source's own settings (`sources.<name>`). */
  config: C;
  secrets: Secrets;
  http: HttpClient;
  /** The stored cursor of a scope; null on the first run. */
  cursor(scope: string): string | null;
  /** Search terms: the configured ones and those built from registered identifiers and organisation names. */
  queries: string[];
  /** Requests to the source's hosts are at least this far apart. */
  minIntervalMs: number;
  /** Stop soon after it aborts (the daemon is shutting down). */
  signal: AbortSignal;
  log: Logger;
}

/**
 * A source of public posts: it knows only how to ask for posts newer than a
 * cursor and how to read the answer. Rate limits, retries, robots.txt,
 * timeouts and persistence belong to the runner and the HTTP client.
 */
export interface Crawler<N extends SourceName = SourceName> {
  readonly name: N;
  crawl(context: CrawlContext<Config['sources'][N]>): AsyncIterable<CrawlPage>;
}
