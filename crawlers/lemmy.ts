import type { Config } from '../src/config/schema.js';
import type { CrawlContext, CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { ParseError } from '../src/crawl/errors.js';
import { eachInstance } from '../src/crawl/each-instance.js';

/** Posts per request (Lemmy allows up to 50). */
const LIMIT = 50;
/** Requests per scope per run. */
const MAX_PAGES = 10;

type Context = CrawlContext<Config['sources']['lemmy']>;

interface PostView {
  post: {
    id: number;
    name: string;
    url?: string | null;
    body?: string | null;
    published: string;
    ap_id: string;
    deleted?: boolean;
    removed?: boolean;
    featured_community?: boolean;
    featured_local?: boolean;
  };
  creator?: { name?: string; actor_id?: string } | null;
}

/** Where a post sits in `sort=New`: its publication time, then its id. */
interface Position {
  published: string;
  ms: number;
  id: number;
}

/**
 * Lemmy (API v3, any instance): the newest posts of each configured
 * community, or of the instance's All listing when none is configured, and
 * the search terms when there are any. The cursor of a scope is the newest
 * post's `published` time and id (`<published>#<id>`), stored once a walk
 * back through `sort=New` pages reaches it. Only posts are read, and they
 * reply to nothing: comments (whose `path` would name the one they answer)
 * are not read.
 */
export const lemmy: Crawler<'lemmy'> = {
  name: 'lemmy',
  crawl(context) {
    const { config, queries } = context;
    return eachInstance(context, async function* crawlInstance(base) {
      if (config.communities.length === 0) {
        yield* walk(context, base, `${base.host}/all`, 'api/v3/post/list', { type_: 'All', sort: 'New' });
      }
      for (const community of config.communities) {
        yield* walk(context, base, `${base.host}/c/${community}`, 'api/v3/post/list', { community_name: community, sort: 'New' });
      }
      for (const query of queries) {
        yield* walk(context, base, `${base.host} search:${query}`, 'api/v3/search', { q: query, type_: 'Posts', sort: 'New', listing_type: 'All' });
      }
    });
  },
};

/**
 * Newest first, page by page, until a post at or before the cursor; the new
 * cursor goes with the last page, so a failure mid-walk re-reads next run.
 * Pinned posts head a listing whatever their age, so they do not end the walk.
 */
async function* walk(context: Context, base: URL, scope: string, path: string, params: Record<string, string>): AsyncGenerator<CrawlPage> {
  const since = parseCursor(context.cursor(scope), scope);
  let newest = since;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const url = apiUrl(base, path, { ...params, page: String(page), limit: String(LIMIT) });
    const answer = await context.http.getJson<unknown>(url, { signal: context.signal, minIntervalMs: context.minIntervalMs, conditional: false });
    const views = postsOf(answer, `${base.host}: /${path}`);
    const positioned = views.map((view) => ({ view, at: position(view, base.host) }));
    const fresh = positioned.filter(({ at }) => since === null || compare(at, since) > 0);
    for (const { at } of fresh) if (newest === null || compare(at, newest) > 0) newest = at;
    const reached = positioned.some(({ view, at }) => since !== null && compare(at, since) <= 0 && !view.post.featured_community && !view.post.featured_local);
    const last = views.length < LIMIT || reached || page === MAX_PAGES;
    const posts = fresh.filter(({ view }) => !view.post.deleted && !view.post.removed).map(({ view, at }) => toPost(view, at));
    yield { scope, posts, cursor: last && newest !== since && newest !== null ? `${newest.published}#${newest.id}` : null };
    if (last) return;
  }
}

/** `post/list` answers `{posts, next_page}`, `search` answers `{type_, posts, comments, …}`: both carry `posts`. */
function postsOf(answer: unknown, where: string): PostView[] {
  const posts = (answer as { posts?: unknown } | null)?.posts;
  if (!Array.isArray(posts)) throw new ParseError(`${where} answer has no posts array`);
  for (const view of posts as Partial<PostView>[]) {
    const post = view?.post;
    if (!post || typeof post.id !== 'number' || typeof post.name !== 'string' || typeof post.published !== 'string' || typeof post.ap_id !== 'string') {
      throw new ParseError(`${where}: a post without id, name, published or ap_id`);
    }
  }
  return posts as PostView[];
}

function position(view: PostView, host: string): Position {
  // Lemmy before 0.19 wrote UTC times without a zone.
  const published = /(Z|[+-]\d\d:?\d\d)$/.test(view.post.published) ? view.post.published : `${view.post.published}Z`;
  const ms = Date.parse(published);
  if (Number.isNaN(ms)) throw new ParseError(`${host}: post ${view.post.id} has an unreadable published time ${JSON.stringify(view.post.published)}`);
  return { published, ms, id: view.post.id };
}

function compare(a: Position, b: Position): number {
  return a.ms - b.ms || a.id - b.id;
}

function parseCursor(cursor: string | null, scope: string): Position | null {
  if (cursor === null) return null;
  const match = /^(.+)#(\d+)$/.exec(cursor);
  const ms = match ? Date.parse(match[1]!) : Number.NaN;
  if (!match || Number.isNaN(ms)) throw new ParseError(`lemmy: stored cursor ${JSON.stringify(cursor)} of ${scope} is not <published>#<id>`);
  return { published: match[1]!, ms, id: Number(match[2]) };
}

/** The post's federation id is its permalink and the same on every instance that carries it. */
function toPost(view: PostView, at: Position): Post {
  const { post, creator } = view;
  const body = post.body ?? '';
  const links = [post.url, ...markdownLinks(body)].filter((link): link is string => typeof link === 'string' && link.length > 0);
  return {
    source: 'lemmy',
    sourceId: post.ap_id,
    url: post.ap_id,
    author: creator?.name ? `${creator.name}@${hostOf(creator.actor_id) ?? hostOf(post.ap_id)}` : null,
    createdAt: new Date(at.ms).toISOString(),
    text: [post.name, body].filter(Boolean).join('\n'),
    links: [...new Set(links)],
  };
}

/** Targets of `[text](url)`, `<url>` and bare URLs in a Markdown body. */
function markdownLinks(markdown: string): string[] {
  const links: string[] = [];
  for (const [url] of markdown.matchAll(/\b(?:https?|zoommtg|zoomus|msteams):\/\/[^\s<>()[\]"'`]+/gi)) links.push(url.replace(/[.,;:!?*_~]+$/, ''));
  return links;
}

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/** `path` under the instance's base URL, with the parameters that are set. */
function apiUrl(base: URL, path: string, params: Record<string, string>): string {
  const url = new URL(path, base.href.endsWith('/') ? base : `${base.href}/`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}
