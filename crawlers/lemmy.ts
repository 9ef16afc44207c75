import type { Config } from '../src/config/schema.js';
import type { CrawlContext, CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { ParseError } from '../src/crawl/errors.js';
import { eachInstance } from '../src/crawl/each-instance.js';
import { Walk, type Mark, type WalkRequest } from '../src/crawl/walk.js';

/** Posts per request (Lemmy allows up to 50). */
const LIMIT = 50;
/** Requests per scope per run. */
const MAX_PAGES = 10;
/** A post federated from another instance arrives after newer ones, at its own `published` time: a walk reads this far below its floor again. */
const OVERLAP_MS = 10 * 60_000;

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

/**
 * Lemmy (API v3, any instance): the newest posts of each configured
 * community, or of the instance's All listing when none is configured, and
 * the search terms when there are any, walked through `sort=New` with the
 * shared resume rule ({@link Walk}): marks are (`published`, post id). A
 * listing pages back with `page_cursor` (Lemmy 0.19's `P<post id in hex>`,
 * the page after that post), so a walk goes on after the oldest post it read;
 * search has only numbered pages, and a walk stopped there goes on at the
 * page it stopped at (read again: posts deleted meanwhile move the others up).
 * Only posts are read, and they reply to nothing: comments (whose `path`
 * would name the one they answer) are not read.
 */
export const lemmy: Crawler<'lemmy'> = {
  name: 'lemmy',
  crawl(context) {
    const { config, queries } = context;
    return eachInstance(context, async function* crawlInstance(base) {
      if (config.communities.length === 0) {
        yield* walkListing(context, base, `${base.host}/all`, 'api/v3/post/list', { type_: 'All', sort: 'New' });
      }
      for (const community of config.communities) {
        yield* walkListing(context, base, `${base.host}/c/${community}`, 'api/v3/post/list', { community_name: community, sort: 'New' });
      }
      for (const query of queries) {
        yield* walkListing(context, base, `${base.host} search:${query}`, 'api/v3/search', { q: query, type_: 'Posts', sort: 'New', listing_type: 'All' });
      }
    });
  },
};

/** Pinned posts head a listing whatever their age, so they neither end the walk nor mark its place. */
async function* walkListing(context: Context, base: URL, scope: string, path: string, params: Record<string, string>): AsyncGenerator<CrawlPage> {
  const walk = new Walk<PostView & { at: number }>({
    scope,
    stored: context.cursor(scope),
    maxPages: MAX_PAGES,
    overlapMs: OVERLAP_MS,
    mark: (view) => ({ at: view.at, id: String(view.post.id) }),
    pinned: (view) => Boolean(view.post.featured_community || view.post.featured_local),
    legacy: legacyMark,
    log: context.log,
  });
  const numbered = path === 'api/v3/search';
  for (let request = walk.request(); request !== null; request = walk.request()) {
    const { paging, page } = pagingOf(request, numbered);
    const url = apiUrl(base, path, { ...params, ...paging, limit: String(LIMIT) });
    const answer = await context.http.getJson<unknown>(url, { signal: context.signal, minIntervalMs: context.minIntervalMs, conditional: false });
    const views = postsOf(answer, `${base.host}: /${path}`).map((view) => ({ ...view, at: publishedMs(view, base.host) }));
    const read = walk.read(views, { more: views.length > 0, next: numbered ? String(page) : null });
    yield { scope, posts: read.items.filter((view) => !view.post.deleted && !view.post.removed).map(toPost), cursor: read.cursor };
  }
}

/**
 * Where the page starts: after the oldest post read (`page_cursor`), or at
 * the next numbered page of search (the one a walk stopped at when it was
 * stored by an earlier run).
 */
function pagingOf(request: WalkRequest, numbered: boolean): { paging: Record<string, string>; page: number } {
  if (numbered) {
    const page = request.next === null ? 1 : Number(request.next) + (request.resumed ? 0 : 1);
    return { paging: { page: String(page) }, page };
  }
  if (request.below === null) return { paging: { page: '1' }, page: 1 };
  return { paging: { page_cursor: `P${Number(request.below.id).toString(16)}` }, page: 0 };
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

function publishedMs(view: PostView, host: string): number {
  // Lemmy before 0.19 wrote UTC times without a zone.
  const ms = Date.parse(withZone(view.post.published));
  if (Number.isNaN(ms)) throw new ParseError(`${host}: post ${view.post.id} has an unreadable published time ${JSON.stringify(view.post.published)}`);
  return ms;
}

function withZone(published: string): string {
  return /(Z|[+-]\d\d:?\d\d)$/.test(published) ? published : `${published}Z`;
}

/** The cursor before walk cursors: `<published>#<id>` of the newest post read. */
function legacyMark(stored: string): Mark | null {
  const match = /^(.+)#(\d+)$/.exec(stored);
  const ms = match ? Date.parse(match[1]!) : Number.NaN;
  return match && !Number.isNaN(ms) ? { at: ms, id: match[2]! } : null;
}

/** The post's federation id is its permalink and the same on every instance that carries it. */
function toPost(view: PostView & { at: number }): Post {
  const { post, creator } = view;
  const body = post.body ?? '';
  const links = [post.url, ...markdownLinks(body)].filter((link): link is string => typeof link === 'string' && link.length > 0);
  return {
    source: 'lemmy',
    sourceId: post.ap_id,
    url: post.ap_id,
    author: creator?.name ? `${creator.name}@${hostOf(creator.actor_id) ?? hostOf(post.ap_id)}` : null,
    createdAt: new Date(view.at).toISOString(),
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
