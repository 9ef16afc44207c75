import { setTimeout as sleep } from 'node:timers/promises';
import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { ParseError, RateLimitedError } from '../src/crawl/errors.js';

/** How many result pages one query may walk per run; every tweet read is billed, so a first run reads at most this many hundreds. */
const MAX_PAGES = 10;
const MAX_RESULTS = 100;
/** Recent search reaches back 7 days and refuses an older `since_id`; an hour's margin keeps clear of the edge. */
const SEARCH_WINDOW_MS = 7 * 24 * 3_600_000 - 3_600_000;
/** Tweet ids are snowflakes: milliseconds since this epoch, shifted left by 22 bits. */
const SNOWFLAKE_EPOCH_MS = 1_288_834_974_657n;
/** A spent rate-limit window longer than this fails the run instead of holding it (X's windows are 15 minutes). */
const MAX_BUDGET_WAIT_MS = 15 * 60_000;

interface Tweet {
  id: string;
  text: string;
  author_id?: string;
  created_at?: string;
  entities?: { urls?: { url?: string; expanded_url?: string; unwound_url?: string }[] };
  /** Tweets this one quotes, retweets or (`replied_to`) answers. */
  referenced_tweets?: { type?: string; id?: string }[];
}

interface SearchResponse {
  data?: Tweet[];
  includes?: { users?: { id: string; username?: string }[] };
  meta: { newest_id?: string; oldest_id?: string; result_count?: number; next_token?: string };
}

/**
 * X API v2 recent search, per query, only with a Bearer token (X has no free
 * read access). `since_id` asks only for tweets newer than the scope's cursor
 * (the newest tweet id stored); `next_token` walks the older pages.
 */
export const x: Crawler<'x'> = {
  name: 'x',
  async *crawl({ config, secrets, http, cursor, queries, minIntervalMs, signal, log }) {
    const token = secrets.xBearerToken;
    if (!token) {
      log.info('X needs a Bearer token: set LEAKWATCH_X_BEARER_TOKEN to crawl it');
      return;
    }
    const headers = { authorization: `Bearer ${token}` };
    const budget = new RateBudget();
    for (const query of queries) {
      const scope = `query:${query}`;
      const since = usableSinceId(cursor(scope), log, scope);
      let newest = since;
      let next: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const url = new URL('/2/tweets/search/recent', config.baseUrl);
        url.searchParams.set('query', query);
        url.searchParams.set('max_results', String(MAX_RESULTS));
        url.searchParams.set('tweet.fields', 'created_at,author_id,entities,referenced_tweets');
        url.searchParams.set('expansions', 'author_id');
        if (since) url.searchParams.set('since_id', since);
        if (next) url.searchParams.set('next_token', next);

        await budget.wait(url.host, signal);
        const response = await http.get(url.href, { signal, minIntervalMs, conditional: false, headers });
        budget.note(response.headers);
        const body = response.json<SearchResponse>();
        if (!body || typeof body !== 'object' || !body.meta || typeof body.meta !== 'object' || (body.data !== undefined && !Array.isArray(body.data))) {
          throw new ParseError(`${url.host}: recent search answer has no meta (or a data that is not a list)`);
        }
        const usernames = new Map((body.includes?.users ?? []).map((user) => [user.id, user.username]));
        const tweets = body.data ?? [];
        const posts = tweets.map((tweet) => toPost(tweet, usernames, url.host));
        for (const id of [body.meta.newest_id, ...tweets.map((tweet) => tweet.id)]) {
          if (id && /^\d+$/.test(id) && (newest === null || BigInt(id) > BigInt(newest))) newest = id;
        }
        const capped = page + 1 === MAX_PAGES;
        const last = !body.meta.next_token || tweets.length === 0 || capped;
        if (capped && body.meta.next_token && since) {
          log.warn({ scope, pages: MAX_PAGES }, 'walked the page limit without reaching the stored cursor; older new tweets are skipped');
        }
        yield { scope, posts, cursor: last && newest !== since ? newest : null } satisfies CrawlPage;
        if (last) break;
        next = body.meta.next_token ?? null;
      }
    }
  },
};

/** The stored tweet id, unless it has left the 7-day search window (X would refuse it with a 400 on every run). */
function usableSinceId(stored: string | null, log: { info(object: object, message: string): void }, scope: string): string | null {
  if (!stored || !/^\d+$/.test(stored)) return null;
  const createdMs = Number((BigInt(stored) >> 22n) + SNOWFLAKE_EPOCH_MS);
  if (Date.now() - createdMs < SEARCH_WINDOW_MS) return stored;
  log.info({ scope, since: new Date(createdMs).toISOString() }, 'the stored cursor is older than recent search reaches; reading the whole 7-day window');
  return null;
}

function toPost(tweet: Tweet, usernames: Map<string, string | undefined>, host: string): Post {
  if (typeof tweet?.id !== 'string' || typeof tweet.text !== 'string') throw new ParseError(`${host}: a tweet without id or text`);
  // The text carries t.co short links; the entities carry where they lead.
  const links = (tweet.entities?.urls ?? []).flatMap((entity) => [entity.expanded_url ?? entity.url, entity.unwound_url]);
  return {
    source: 'x',
    sourceId: tweet.id,
    url: `https://x.com/i/web/status/${tweet.id}`,
    author: (tweet.author_id && usernames.get(tweet.author_id)) ?? tweet.author_id ?? null,
    createdAt: tweet.created_at ?? null,
    text: tweet.text,
    links: [...new Set(links.filter((link): link is string => typeof link === 'string' && link.length > 0))],
    ...repliedTo(tweet),
  };
}

/** The tweet a reply answers: its `referenced_tweets` entry of type `replied_to`. */
function repliedTo(tweet: Tweet): { replyTo?: string } {
  const parent = Array.isArray(tweet.referenced_tweets) ? tweet.referenced_tweets.find((ref) => ref?.type === 'replied_to') : undefined;
  return typeof parent?.id === 'string' && /^\d+$/.test(parent.id) ? { replyTo: parent.id } : {};
}

/**
 * X announces its budget in `x-rate-limit-remaining` / `x-rate-limit-reset`
 * (epoch seconds of the window's end) rather than Retry-After, so a spent
 * window cools the crawl down until the reset, as the HTTP client does for
 * Retry-After.
 */
class RateBudget {
  #resumeAt = 0;

  note(headers: Record<string, string>): void {
    const remaining = headers['x-rate-limit-remaining'];
    const reset = Number(headers['x-rate-limit-reset']);
    if (remaining !== undefined && Number(remaining) < 1 && Number.isFinite(reset)) this.#resumeAt = reset * 1000;
  }

  async wait(host: string, signal: AbortSignal): Promise<void> {
    const ms = this.#resumeAt - Date.now();
    if (ms <= 0) return;
    if (ms > MAX_BUDGET_WAIT_MS) throw new RateLimitedError(`${host}: rate-limit window spent; it resets at ${new Date(this.#resumeAt).toISOString()}`, new Date(this.#resumeAt));
    await sleep(ms, undefined, { signal });
  }
}
