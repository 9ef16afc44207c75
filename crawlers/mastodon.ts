import type { Config } from '../src/config/schema.js';
import type { CrawlContext, CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';
import { eachInstance } from '../src/crawl/each-instance.js';
import { parentPasscode, postText } from '../src/extract/reply.js';

/** The most statuses Mastodon returns per request (timelines and search). */
const LIMIT = 40;
/** Requests per scope per run; the rest waits for the next run. */
const MAX_PAGES = 10;

type Context = CrawlContext<Config['sources']['mastodon']>;

interface Status {
  id: string;
  uri: string;
  /** The instance's own id of the status this one replies to (not its federation URI). */
  in_reply_to_id?: string | null;
  url?: string | null;
  created_at?: string;
  content: string;
  spoiler_text?: string;
  account?: { acct?: string } | null;
  card?: { url?: string | null } | null;
  reblog?: Status | null;
}

/** The federation URIs of the statuses read on one instance this run, by the instance's own ids. */
type KnownUris = Map<string, string>;

/**
 * Mastodon (any instance): each configured hashtag's timeline and, with a
 * token, full-text search of statuses. Status ids are snowflakes, so the
 * cursor of a scope (instance + hashtag, instance + query) is the newest
 * status id read there.
 *
 * A reply names its parent by the instance's own id (`in_reply_to_id`),
 * while posts are known by their federation URI: the parent's URI is taken
 * from the statuses read on the instance this run, or, for a reply that
 * carries a written passcode (the only replies the matcher uses), asked of
 * `/api/v1/statuses/:id`; that parent is then read as a post too, since it
 * names the meeting and is often outside the hashtag.
 */
export const mastodon: Crawler<'mastodon'> = {
  name: 'mastodon',
  crawl(context) {
    const { config, secrets, queries } = context;
    return eachInstance(context, async function* crawlInstance(base, index) {
      const known: KnownUris = new Map();
      for (const hashtag of config.hashtags) yield* tagTimeline(context, base, hashtag.replace(/^#/, ''), known);
      // A token is issued by one instance and must not be sent to the others: it belongs to the first.
      const token = index === 0 ? secrets.mastodonToken : undefined;
      if (token) for (const query of queries) yield* search(context, base, query, token, known);
    });
  },
};

/**
 * A hashtag's timeline. With a cursor it pages forward with `min_id` (each
 * answer is the statuses just above it, so every page can carry its own
 * cursor and a crash leaves no gap); on the first run it walks back from
 * the newest with `max_id` and stores the newest id with the last page.
 */
async function* tagTimeline(context: Context, base: URL, hashtag: string, known: KnownUris): AsyncGenerator<CrawlPage> {
  const scope = `${base.host}#${hashtag}`;
  const path = `api/v1/timelines/tag/${encodeURIComponent(hashtag)}`;
  const stored = context.cursor(scope);
  if (stored !== null) {
    let after = stored;
    for (let page = 0; page < MAX_PAGES; page++) {
      const statuses = (await getStatuses(context, apiUrl(base, path, { limit: LIMIT, min_id: after }))).filter((status) => compareIds(status.id, after) > 0);
      if (statuses.length === 0) return;
      after = statuses.map((status) => status.id).reduce(newestId);
      yield { scope, posts: await postsOf(context, base, statuses, known), cursor: after };
      // Fewer than asked: nothing newer is left, or the instance filtered some out and the next run goes on from here.
      if (statuses.length < LIMIT) return;
    }
    return;
  }
  let newest: string | null = null;
  let maxId: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const statuses = await getStatuses(context, apiUrl(base, path, { limit: LIMIT, max_id: maxId }));
    const ids = statuses.map((status) => status.id);
    if (ids.length > 0) newest = [newest ?? ids[0]!, ...ids].reduce(newestId);
    const last = statuses.length < LIMIT || page + 1 === MAX_PAGES;
    yield { scope, posts: await postsOf(context, base, statuses, known), cursor: last ? newest : null };
    if (last) return;
    maxId = ids.reduce(oldestId);
  }
}

/**
 * Full-text search (needs a token and an instance with a search index),
 * newest first: `min_id` bounds it at the cursor and `offset` pages back;
 * the newest id is stored with the last page.
 */
async function* search(context: Context, base: URL, query: string, token: string, known: KnownUris): AsyncGenerator<CrawlPage> {
  const scope = `${base.host} search:${query}`;
  const since = context.cursor(scope);
  let newest = since;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = apiUrl(base, 'api/v2/search', { q: query, type: 'statuses', resolve: 'false', limit: LIMIT, offset: page * LIMIT, min_id: since });
    const answer = await context.http.getJson<{ statuses?: unknown }>(url, {
      signal: context.signal,
      minIntervalMs: context.minIntervalMs,
      conditional: false,
      headers: { authorization: `Bearer ${token}` },
    });
    if (!answer || !Array.isArray(answer.statuses)) throw new ParseError(`${base.host}: /api/v2/search answer has no statuses array`);
    const statuses = answer.statuses.map((status) => checkStatus(status, base.host));
    const fresh = statuses.filter((status) => since === null || compareIds(status.id, since) > 0);
    for (const status of fresh) newest = newest === null ? status.id : newestId(newest, status.id);
    const last = statuses.length < LIMIT || fresh.length < statuses.length || page + 1 === MAX_PAGES;
    yield { scope, posts: await postsOf(context, base, fresh, known), cursor: last && newest !== since ? newest : null };
    if (last) return;
  }
}

/**
 * The posts of `statuses`, each reply with its parent's URI when it is known
 * or worth asking for (see {@link mastodon}); parents asked for are added.
 */
async function postsOf(context: Context, base: URL, statuses: readonly Status[], known: KnownUris): Promise<Post[]> {
  for (const wrapper of statuses) {
    const status = wrapper.reblog ?? wrapper;
    known.set(status.id, status.uri);
  }
  const posts: Post[] = [];
  const added = new Set<string>();
  for (const wrapper of statuses) {
    const status = wrapper.reblog ?? wrapper;
    const post = toPost(wrapper, base);
    const parentId = typeof status.in_reply_to_id === 'string' && status.in_reply_to_id !== '' ? status.in_reply_to_id : null;
    if (parentId !== null) {
      let uri = known.get(parentId);
      if (uri === undefined && parentPasscode(postText(post)) !== null) {
        const parent = await getParent(context, base, parentId);
        if (parent !== null) {
          known.set(parentId, parent.uri);
          uri = parent.uri;
          if (!added.has(parent.uri)) {
            added.add(parent.uri);
            posts.push(toPost(parent, base));
          }
        }
      }
      if (uri !== undefined) post.replyTo = uri;
    }
    posts.push(post);
  }
  return posts;
}

/** A status by the instance's id, or null when the instance will not show it (deleted, private, not public to anonymous readers). */
async function getParent(context: Context, base: URL, id: string): Promise<Status | null> {
  const url = apiUrl(base, `api/v1/statuses/${encodeURIComponent(id)}`, {});
  try {
    const answer = await context.http.getJson<unknown>(url, { signal: context.signal, minIntervalMs: context.minIntervalMs, conditional: false });
    return checkStatus(answer, base.host);
  } catch (error) {
    if (!(error instanceof BlockedError)) throw error;
    context.log.debug({ instance: base.host, status: id, err: error }, 'the status a reply answers cannot be read; the reply is kept without it');
    return null;
  }
}

async function getStatuses(context: Context, url: string): Promise<Status[]> {
  const answer = await context.http.getJson<unknown>(url, { signal: context.signal, minIntervalMs: context.minIntervalMs, conditional: false });
  const { host, pathname } = new URL(url);
  if (!Array.isArray(answer)) throw new ParseError(`${host}: ${pathname} answered ${preview(answer)}, not an array of statuses`);
  return answer.map((status) => checkStatus(status, host));
}

function checkStatus(value: unknown, host: string): Status {
  const status = value as Partial<Status> | null;
  if (!status || typeof status.id !== 'string' || typeof status.uri !== 'string' || typeof status.content !== 'string') {
    throw new ParseError(`${host}: a status without id, uri or content`);
  }
  if (status.reblog) checkStatus(status.reblog, host);
  return status as Status;
}

/** A reblog is read as the status it shares; its federation URI is the same on every instance. */
function toPost(wrapper: Status, base: URL): Post {
  const status = wrapper.reblog ?? wrapper;
  const body = htmlToText(status.content);
  const links = [...body.links, status.card?.url].filter((link): link is string => typeof link === 'string' && link.length > 0);
  const acct = status.account?.acct;
  return {
    source: 'mastodon',
    sourceId: status.uri,
    url: status.url ?? status.uri,
    author: acct ? (acct.includes('@') ? acct : `${acct}@${base.hostname}`) : null,
    createdAt: status.created_at ?? null,
    text: [status.spoiler_text, body.text].filter(Boolean).join('\n'),
    links: [...new Set(links)],
  };
}

/** Snowflake ids (and other servers' sortable ids) order by length, then character by character. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function newestId(a: string, b: string): string {
  return compareIds(a, b) >= 0 ? a : b;
}

function oldestId(a: string, b: string): string {
  return compareIds(a, b) <= 0 ? a : b;
}

/** `path` under the instance's base URL, with the parameters that are set. */
function apiUrl(base: URL, path: string, params: Record<string, string | number | null>): string {
  const url = new URL(path, base.href.endsWith('/') ? base : `${base.href}/`);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, String(value));
  return url.href;
}

function preview(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}
