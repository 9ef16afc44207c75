import { setTimeout as sleep } from 'node:timers/promises';
import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { ParseError, RateLimitedError } from '../src/crawl/errors.js';
import { Walk, type WalkRequest } from '../src/crawl/walk.js';

/** Requests one query may make per run; every tweet read is billed, so a run reads at most this many hundreds. */
const MAX_PAGES = 10;
const MAX_RESULTS = 100;
/** Tweets reach recent search a moment after they are posted; every tweet read again is billed, so the overlap is short. */
const OVERLAP_MS = 30_000;
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
 * read access), walked newest first with the shared resume rule ({@link Walk}):
 * tweet ids are snowflakes, so a mark is the id with the time it carries. The
 * floor is asked as `since_id` (the first id of the floor's time less the
 * overlap), `next_token` walks the older pages and `until_id` goes on below
 * the oldest tweet read in a later run. Recent search reaches back seven
 * days: a floor or a stopped walk older than that is a gap the walk logs.
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
      const walk = new Walk<Tweet>({
        scope,
        stored: cursor(scope),
        maxPages: MAX_PAGES,
        overlapMs: OVERLAP_MS,
        mark: (tweet) => ({ at: mintedAt(tweet.id), id: tweet.id }),
        // Before walk cursors: the newest tweet id read.
        legacy: (stored) => (/^\d+$/.test(stored) ? { at: mintedAt(stored), id: stored } : null),
        log,
      });
      for (let request = walk.request(); request !== null; request = walk.request()) {
        // Below a tweet recent search no longer holds nothing can be asked for (X refuses an old until_id with a 400).
        if (request.below && (request.resumed || request.next === null) && request.below.at! < Date.now() - SEARCH_WINDOW_MS) {
          const page = walk.read([], { more: false });
          yield { scope, posts: [], cursor: page.cursor } satisfies CrawlPage;
          continue;
        }
        const url = searchUrl(config.baseUrl, query, request);
        const bounded = url.searchParams.has('since_id');
        if (request.sinceMs !== null && !bounded && request.below === null) {
          log.info({ scope, since: new Date(request.sinceMs).toISOString() }, 'the stored cursor is older than recent search reaches; reading the whole 7-day window');
        }

        await budget.wait(url.host, signal);
        const response = await http.get(url.href, { signal, minIntervalMs, conditional: false, headers });
        budget.note(response.headers);
        const body = response.json<SearchResponse>();
        if (!body || typeof body !== 'object' || !body.meta || typeof body.meta !== 'object' || (body.data !== undefined && !Array.isArray(body.data))) {
          throw new ParseError(`${url.host}: recent search answer has no meta (or a data that is not a list)`);
        }
        const usernames = new Map((body.includes?.users ?? []).map((user) => [user.id, user.username]));
        const tweets = (body.data ?? []).map((tweet) => checkTweet(tweet, url.host));
        // A next_token goes on only the request it came with: its until_id goes with it.
        const next = body.meta.next_token ? `${url.searchParams.get('until_id') ?? ''} ${body.meta.next_token}` : null;
        const page = walk.read(tweets, { more: next !== null && tweets.length > 0, next, bounded });
        yield { scope, posts: page.items.map((tweet) => toPost(tweet, usernames)), cursor: page.cursor } satisfies CrawlPage;
      }
    }
  },
};

/** The next page of this run by `next_token` (with the `until_id` it came with); else the newest, or below the oldest tweet read, from the floor on. */
function searchUrl(baseUrl: string, query: string, request: WalkRequest): URL {
  const url = new URL('/2/tweets/search/recent', baseUrl);
  url.searchParams.set('query', query);
  url.searchParams.set('max_results', String(MAX_RESULTS));
  url.searchParams.set('tweet.fields', 'created_at,author_id,entities,referenced_tweets');
  url.searchParams.set('expansions', 'author_id');
  // The window edge moves while a walk runs: an hour's margin keeps since_id clear of it.
  if (request.sinceMs !== null && Date.now() - request.sinceMs < SEARCH_WINDOW_MS) url.searchParams.set('since_id', String(idMintedAt(request.sinceMs) - 1n));
  const previous = request.resumed ? null : /^(\d*) (.+)$/.exec(request.next ?? '');
  if (previous) {
    if (previous[1]) url.searchParams.set('until_id', previous[1]);
    url.searchParams.set('next_token', previous[2]!);
  } else if (request.below) {
    url.searchParams.set('until_id', request.below.id);
  }
  return url;
}

/** When a tweet id was minted (ms). */
function mintedAt(id: string): number {
  return Number((BigInt(id) >> 22n) + SNOWFLAKE_EPOCH_MS);
}

/** The first tweet id minted at `ms`. */
function idMintedAt(ms: number): bigint {
  return (BigInt(Math.floor(ms)) - SNOWFLAKE_EPOCH_MS) << 22n;
}

function checkTweet(tweet: Tweet, host: string): Tweet {
  if (typeof tweet?.id !== 'string' || !/^\d+$/.test(tweet.id) || typeof tweet.text !== 'string') throw new ParseError(`${host}: a tweet without id or text`);
  return tweet;
}

function toPost(tweet: Tweet, usernames: Map<string, string | undefined>): Post {
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
