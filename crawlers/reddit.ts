import { setTimeout as sleep } from 'node:timers/promises';
import { load } from 'cheerio';
import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { ParseError, RateLimitedError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';

/** How many listing pages one scope may walk per run (Reddit keeps about 1000 items a listing). */
const MAX_PAGES = 10;
const LIMIT = 100;
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

/** Where a walk stopped last time: the newest post's creation second and its base36 id (ids grow with time, so they break ties). */
interface Mark {
  createdUtc: number;
  id: number;
  name: string;
}

/**
 * Reddit's public JSON listings: `/r/<sub>/new.json` per configured subreddit
 * and `/search.json?sort=new` per query, walked newest-first through `after`
 * until the posts reach the scope's cursor (`<created_utc>:<fullname>` of the
 * newest post stored). Only submissions (`t3`) are read, and they reply to
 * nothing: comments (`t1`, whose `parent_id` would name the post they answer)
 * are not read.
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
      const since = parseMark(cursor(scope));
      let newest = since;
      let after: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const url = new URL(path, config.baseUrl);
        for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
        url.searchParams.set('limit', String(LIMIT));
        url.searchParams.set('raw_json', '1');
        if (path === '/search.json') url.searchParams.set('type', 'link');
        if (after) url.searchParams.set('after', after);

        await budget.wait(url.host, signal);
        const response = await http.get(url.href, { signal, minIntervalMs, conditional: false });
        budget.note(response.headers);
        const listing = readListing(response.json(), url.host);

        const posts: Post[] = [];
        let reachedCursor = false;
        for (const { kind, data } of listing.data.children) {
          if (kind !== 't3') continue;
          const mark = markOf(data, url.host);
          if (since && !isNewer(mark, since)) {
            reachedCursor = true;
            continue;
          }
          posts.push(toPost(data, config.baseUrl));
          if (!newest || isNewer(mark, newest)) newest = mark;
        }
        const capped = page + 1 === MAX_PAGES;
        const last = reachedCursor || !listing.data.after || listing.data.children.length === 0 || capped;
        if (capped && !reachedCursor && since) {
          log.warn({ scope, pages: MAX_PAGES }, 'walked the page limit without reaching the stored cursor; older new posts are skipped');
        }
        yield { scope, posts, cursor: last && newest !== since && newest ? `${newest.createdUtc}:${newest.name}` : null } satisfies CrawlPage;
        if (last) break;
        after = listing.data.after;
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

function markOf(data: RedditPost, host: string): Mark {
  if (typeof data?.name !== 'string' || typeof data.id !== 'string' || typeof data.created_utc !== 'number' || typeof data.permalink !== 'string') {
    throw new ParseError(`${host}: a t3 post without name, id, created_utc or permalink`);
  }
  return { createdUtc: data.created_utc, id: parseInt(data.id, 36), name: data.name };
}

function parseMark(cursor: string | null): Mark | null {
  const match = cursor?.match(/^(\d+(?:\.\d+)?):(t3_([0-9a-z]+))$/);
  if (!match) return null;
  return { createdUtc: Number(match[1]), id: parseInt(match[3]!, 36), name: match[2]! };
}

function isNewer(a: Mark, b: Mark): boolean {
  return a.createdUtc > b.createdUtc || (a.createdUtc === b.createdUtc && a.id > b.id);
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
