import type { Config } from '../src/config/schema.js';
import type { CrawlContext, CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';
import { eachInstance } from '../src/crawl/each-instance.js';
import { Walk, type Mark } from '../src/crawl/walk.js';
import { parentPasscode, postText } from '../src/extract/reply.js';

/** The most statuses Mastodon returns per request (timelines and search). */
const LIMIT = 40;
/** Requests per scope per run; the rest waits for the next run. */
const MAX_PAGES = 10;
/**
 * A status from another server is given an id of the time it was written
 * (Mastodon backdates the snowflake), so it can reach a timeline below ids
 * already read: a walk reads this far below its floor again.
 */
const OVERLAP_MS = 10 * 60_000;
/** Mastodon's snowflakes carry milliseconds above 16 bits of sequence; ids outside these years are another server's scheme. */
const SNOWFLAKE_FROM_MS = Date.parse('2016-01-01T00:00:00Z');

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
 * token, full-text search of statuses, both newest first and walked with the
 * shared resume rule ({@link Walk}) per scope (instance + hashtag, instance +
 * query): marks are the status id with the time its snowflake carries (or its
 * `created_at` on servers with other ids), and a walk pages back with
 * `max_id`. An instance that no longer holds the statuses down to the floor
 * (remote ones are purged) leaves a gap the walk logs.
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

/** A hashtag's timeline, newest first, back with `max_id`. */
async function* tagTimeline(context: Context, base: URL, hashtag: string, known: KnownUris): AsyncGenerator<CrawlPage> {
  const scope = `${base.host}#${hashtag}`;
  const path = `api/v1/timelines/tag/${encodeURIComponent(hashtag)}`;
  const walk = statusWalk(context, scope);
  for (let request = walk.request(); request !== null; request = walk.request()) {
    const statuses = await getStatuses(context, apiUrl(base, path, { limit: LIMIT, max_id: request.below?.id ?? null }));
    const page = walk.read(statuses, { more: statuses.length > 0 });
    yield { scope, posts: await postsOf(context, base, page.items, known), cursor: page.cursor };
  }
}

/** Full-text search (needs a token and an instance with a search index), newest first, back with `max_id`. */
async function* search(context: Context, base: URL, query: string, token: string, known: KnownUris): AsyncGenerator<CrawlPage> {
  const scope = `${base.host} search:${query}`;
  const walk = statusWalk(context, scope);
  for (let request = walk.request(); request !== null; request = walk.request()) {
    const url = apiUrl(base, 'api/v2/search', { q: query, type: 'statuses', resolve: 'false', limit: LIMIT, max_id: request.below?.id ?? null });
    const answer = await context.http.getJson<{ statuses?: unknown }>(url, {
      signal: context.signal,
      minIntervalMs: context.minIntervalMs,
      conditional: false,
      headers: { authorization: `Bearer ${token}` },
    });
    if (!answer || !Array.isArray(answer.statuses)) throw new ParseError(`${base.host}: /api/v2/search answer has no statuses array`);
    const statuses = answer.statuses.map((status) => checkStatus(status, base.host));
    const page = walk.read(statuses, { more: statuses.length > 0 });
    yield { scope, posts: await postsOf(context, base, page.items, known), cursor: page.cursor };
  }
}

function statusWalk(context: Context, scope: string): Walk<Status> {
  return new Walk<Status>({
    scope,
    stored: context.cursor(scope),
    maxPages: MAX_PAGES,
    overlapMs: OVERLAP_MS,
    mark: (status) => ({ at: snowflakeMs(status.id) ?? timeOf(status.created_at), id: status.id }),
    // Before walk cursors: the newest status id read.
    legacy: (stored): Mark | null => (stored === '' || stored.startsWith('{') ? null : { at: snowflakeMs(stored), id: stored }),
    log: context.log,
  });
}

/** The time in a Mastodon snowflake id, or null for an id of another scheme. */
function snowflakeMs(id: string): number | null {
  if (!/^\d{1,20}$/.test(id)) return null;
  const ms = Number(BigInt(id) >> 16n);
  return ms >= SNOWFLAKE_FROM_MS && ms <= Date.now() + 86_400_000 ? ms : null;
}

function timeOf(iso: string | undefined): number | null {
  const ms = Date.parse(iso ?? '');
  return Number.isNaN(ms) ? null : ms;
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

/** `path` under the instance's base URL, with the parameters that are set. */
function apiUrl(base: URL, path: string, params: Record<string, string | number | null>): string {
  const url = new URL(path, base.href.endsWith('/') ? base : `${base.href}/`);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, String(value));
  return url.href;
}

function preview(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}
