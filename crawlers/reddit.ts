import { setTimeout as sleep } from 'node:timers/promises';
import { load } from 'cheerio';
import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { ParseError, RateLimitedError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';
import { Walk, type Mark } from '../src/crawl/walk.js';

/** Requests one scope may make per run (Reddit keeps about 1000 items a listing). */
const MAX_PAGES = 10;
const LIMIT = 100;
/** Posts the spam filter held show up in /new at their own time once approved: a walk reads this far below its floor again. */
const OVERLAP_MS = 10 * 60_000;
/** A spent rate-limit window longer than this fails the run instead of holding it (Reddit's windows are 10 minutes). */
const MAX_BUDGET_WAIT_MS = 10 * 60_000;

interface RedditPost {
  id: string;
  name: string;
  title: string;
  selftext?: string | null;
  selftext_html?: string | null;
  url?: string | null;
  is_self?: boolean;
  permalink: string;
  author?: string | null;
  created_utc: number;
}

interface Listing {
  kind: string;
  data: { after: string | null; children: { kind: string; data: RedditPost }[] };
}

/**
 * Reddit's public JSON listings: `/r/<sub>/new.json` per configured subreddit
 * and `/search.json?sort=new` per query, walked newest first through `after`
 * with the shared resume rule ({@link Walk}): marks are (`created_utc`, base36
 * id), and a walk stopped by the page cap goes on after the fullname of the
 * oldest post it read. A listing holds about 1,000 posts: a backlog deeper
 * than that cannot be read, and the walk logs the gap. Only submissions
 * (`t3`) are read, and they reply to nothing: comments (`t1`, whose
 * `parent_id` would name the post they answer) are not read.
 */
export const reddit: Crawler<'reddit'> = {
  name: 'reddit',
  async *crawl({ config, http, cursor, queries, minIntervalMs, signal, log }) {
    const budget = new RateBudget();
    const scopes: { scope: string; path: string; params: Record<string, string> }[] = [
      ...config.subreddits.map((sub) => {
        const name = sub.replace(/^\/?r\//, '');
        return { scope: `subreddit:${name}`, path: `/r/${encodeURIComponent(name)}/new.json`, params: {} };
      }),
      ...queries.map((query) => ({ scope: `query:${query}`, path: '/search.json', params: { q: query, sort: 'new' } })),
    ];
    for (const { scope, path, params } of scopes) {
      const walk = new Walk<RedditPost>({
        scope,
        stored: cursor(scope),
        maxPages: MAX_PAGES,
        overlapMs: OVERLAP_MS,
        mark: (data) => ({ at: Math.round(data.created_utc * 1000), id: data.id }),
        legacy: legacyMark,
        log,
      });
      for (let request = walk.request(); request !== null; request = walk.request()) {
        const url = new URL(path, config.baseUrl);
        for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
        url.searchParams.set('limit', String(LIMIT));
        url.searchParams.set('raw_json', '1');
        if (path === '/search.json') url.searchParams.set('type', 'link');
        const after = request.next !== null && !request.resumed ? request.next : request.below && `t3_${request.below.id}`;
        if (after) url.searchParams.set('after', after);

        await budget.wait(url.host, signal);
        const response = await http.get(url.href, { signal, minIntervalMs, conditional: false });
        budget.note(response.headers);
        const listing = readListing(response.json(), url.host);
        const submissions = listing.data.children.filter((child) => child.kind === 't3').map((child) => checkPost(child.data, url.host));
        const page = walk.read(submissions, { more: Boolean(listing.data.after) && listing.data.children.length > 0, next: listing.data.after });
        yield { scope, posts: page.items.map((data) => toPost(data, config.baseUrl)), cursor: page.cursor } satisfies CrawlPage;
      }
    }
  },
};

function readListing(body: unknown, host: string): Listing {
  const listing = body as Partial<Listing> | null;
  if (!listing || typeof listing !== 'object' || !listing.data || !Array.isArray(listing.data.children)) {
    throw new ParseError(`${host}: expected a Listing with data.children, got ${JSON.stringify(body).slice(0, 80)}`);
  }
  return listing as Listing;
}

function checkPost(data: RedditPost, host: string): RedditPost {
  if (typeof data?.name !== 'string' || typeof data.id !== 'string' || typeof data.created_utc !== 'number' || typeof data.permalink !== 'string') {
    throw new ParseError(`${host}: a t3 post without name, id, created_utc or permalink`);
  }
  return data;
}

/** The cursor before walk cursors: `<created_utc>:<fullname>` of the newest post read. */
function legacyMark(stored: string): Mark | null {
  const match = /^(\d+(?:\.\d+)?):t3_([0-9a-z]+)$/.exec(stored);
  return match ? { at: Math.round(Number(match[1]) * 1000), id: match[2]! } : null;
}

function toPost(data: RedditPost, baseUrl: string): Post {
  const body = htmlToText(selftextHtml(data.selftext_html));
  const target = !data.is_self && data.url && /^[a-z][a-z0-9+.-]*:/i.test(data.url) ? [data.url] : [];
  return {
    source: 'reddit',
    sourceId: data.name,
    url: new URL(data.permalink, new URL(baseUrl).origin).href,
    author: data.author ?? null,
    createdAt: new Date(data.created_utc * 1000).toISOString(),
    text: [data.title, data.selftext].filter(Boolean).join('\n'),
    links: [...new Set([...target, ...body.links])],
  };
}

/** Without `raw_json=1` Reddit escapes the body's HTML once more (`&lt;div class="md"&gt;`); accept both. */
function selftextHtml(value: string | null | undefined): string {
  if (!value) return '';
  return value.trimStart().startsWith('&lt;') ? load(value, null, false).text() : value;
}

/**
 * Reddit announces its budget in `X-Ratelimit-Remaining` / `X-Ratelimit-Reset`
 * (seconds to the window's end) and sends no Retry-After with its 429s, so a
 * spent window cools the crawl down until the reset, as the HTTP client does
 * for Retry-After.
 */
class RateBudget {
  #resumeAt = 0;

  note(headers: Record<string, string>): void {
    const remaining = headers['x-ratelimit-remaining'];
    const reset = Number(headers['x-ratelimit-reset']);
    if (remaining !== undefined && Number(remaining) < 1 && Number.isFinite(reset)) this.#resumeAt = Date.now() + reset * 1000;
  }

  async wait(host: string, signal: AbortSignal): Promise<void> {
    const ms = this.#resumeAt - Date.now();
    if (ms <= 0) return;
    if (ms > MAX_BUDGET_WAIT_MS) throw new RateLimitedError(`${host}: rate-limit window spent; it resets at ${new Date(this.#resumeAt).toISOString()}`, new Date(this.#resumeAt));
    await sleep(ms, undefined, { signal });
  }
}
