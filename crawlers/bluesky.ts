import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { Walk } from '../src/crawl/walk.js';

/** Requests one query may make per run. */
const MAX_PAGES = 10;
const LIMIT = 100;
/** Posts reach the search index a little after they are written (and `sortAt` is the earlier time): a walk reads this far below its floor again. */
const OVERLAP_MS = 10 * 60_000;

interface External {
  uri?: string;
}

interface Embed {
  $type?: string;
  external?: External;
  /** `recordWithMedia`: the media part may be an external link card. */
  media?: { external?: External };
}

interface PostView {
  uri: string;
  author: { did: string; handle?: string };
  record: {
    text: string;
    createdAt?: string;
    facets?: { features?: { $type?: string; uri?: string }[] }[];
    embed?: Embed;
    /** A reply's strong references to the post it answers (`parent`) and to its thread's first post (`root`). */
    reply?: { parent?: { uri?: string; cid?: string }; root?: { uri?: string; cid?: string } };
  };
  embed?: Embed;
  indexedAt?: string;
}

interface SearchResponse {
  posts: PostView[];
  cursor?: string;
}

/**
 * Bluesky's `app.bsky.feed.searchPosts` (sort=latest) on the public AppView,
 * per query, newest first, walked with the shared resume rule ({@link Walk}):
 * marks are (`sortAt`, AT URI), where `sortAt` is the earlier of `createdAt`
 * and `indexedAt`, which is what `sort=latest` orders by and what `since`
 * and `until` filter on. The floor is asked as `since` less the overlap, and
 * a walk pages back with `until` just past the oldest post read rather than
 * with the answer's `cursor`, which the public AppView refuses without a
 * session (403).
 */
export const bluesky: Crawler<'bluesky'> = {
  name: 'bluesky',
  async *crawl({ config, secrets, http, cursor, queries, minIntervalMs, signal, log }) {
    if (secrets.blueskyAppPassword) {
      log.info('LEAKWATCH_BLUESKY_APP_PASSWORD is set but the config names no account handle to sign in with; searching the public AppView without a session');
    }
    for (const query of queries) {
      const scope = `query:${query}`;
      const walk = new Walk<PostView & { sortAt: number }>({
        scope,
        stored: cursor(scope),
        maxPages: MAX_PAGES,
        overlapMs: OVERLAP_MS,
        mark: (view) => ({ at: view.sortAt, id: view.uri }),
        // Before walk cursors: the newest sortAt read.
        legacy: (stored) => {
          const at = Date.parse(stored);
          return Number.isNaN(at) ? null : { at, id: '' };
        },
        log,
      });
      for (let request = walk.request(); request !== null; request = walk.request()) {
        const url = new URL('/xrpc/app.bsky.feed.searchPosts', config.baseUrl);
        url.searchParams.set('q', query);
        url.searchParams.set('sort', 'latest');
        url.searchParams.set('limit', String(LIMIT));
        if (request.sinceMs !== null) url.searchParams.set('since', new Date(request.sinceMs).toISOString());
        // `until` is exclusive: just past the oldest post read, so the others of its millisecond come too.
        if (request.below?.at != null) url.searchParams.set('until', new Date(request.below.at + 1).toISOString());

        let response: SearchResponse;
        try {
          response = await http.getJson<SearchResponse>(url.href, { signal, minIntervalMs, conditional: false });
        } catch (error) {
          // An AppView that will not page back without a session: what it would not show is a gap the walk logs.
          if (!(request.below && error instanceof BlockedError && error.status === 403)) throw error;
          log.info({ scope }, 'the AppView refused to page back without a session (403)');
          const page = walk.read([], { more: false });
          yield { scope, posts: [], cursor: page.cursor } satisfies CrawlPage;
          continue;
        }
        if (!response || typeof response !== 'object' || !Array.isArray(response.posts)) {
          throw new ParseError(`${url.host}: searchPosts answer has no posts array`);
        }
        const views = response.posts.map((view) => ({ ...view, sortAt: sortAtOf(view, url.host) }));
        const page = walk.read(views, { more: Boolean(response.cursor) && views.length > 0, bounded: request.sinceMs !== null });
        yield { scope, posts: page.items.map((view) => toPost(view, url.host)), cursor: page.cursor } satisfies CrawlPage;
      }
    }
  },
};

/** The earlier of `record.createdAt` and `indexedAt`, as the AppView sorts and filters (`since`) by it. */
function sortAtOf(view: PostView, host: string): number {
  const indexed = Date.parse(view?.indexedAt ?? '');
  const created = Date.parse(view?.record?.createdAt ?? '');
  if (Number.isNaN(indexed) && Number.isNaN(created)) throw new ParseError(`${host}: a post without indexedAt or record.createdAt (${view?.uri})`);
  if (Number.isNaN(indexed)) return created;
  if (Number.isNaN(created)) return indexed;
  return Math.min(indexed, created);
}

function toPost(view: PostView, host: string): Post {
  if (typeof view.uri !== 'string' || typeof view.author?.did !== 'string' || typeof view.record?.text !== 'string') {
    throw new ParseError(`${host}: a post without uri, author.did or record.text`);
  }
  const rkey = view.uri.split('/').at(-1);
  const handle = view.author.handle && view.author.handle !== 'handle.invalid' ? view.author.handle : view.author.did;
  const links = [
    ...(view.record.facets ?? []).flatMap((facet) =>
      (facet.features ?? []).filter((feature) => feature.$type === 'app.bsky.richtext.facet#link').map((feature) => feature.uri),
    ),
    ...embedLinks(view.record.embed),
    ...embedLinks(view.embed),
  ].filter((link): link is string => typeof link === 'string' && link.length > 0);
  return {
    source: 'bluesky',
    sourceId: view.uri,
    url: rkey ? `https://bsky.app/profile/${handle}/post/${rkey}` : null,
    author: view.author.handle ?? view.author.did,
    createdAt: toIso(view.record.createdAt) ?? toIso(view.indexedAt),
    // The visible text shortens links (`open.substack.com/pub/christac...`); the facets and embeds carry them whole.
    text: view.record.text,
    links: [...new Set(links)],
    // The parent's AT URI, the form of every post's sourceId.
    ...(typeof view.record.reply?.parent?.uri === 'string' && view.record.reply.parent.uri.startsWith('at://') ? { replyTo: view.record.reply.parent.uri } : {}),
  };
}

function embedLinks(embed: Embed | undefined): (string | undefined)[] {
  return [embed?.external?.uri, embed?.media?.external?.uri];
}

function toIso(value: string | undefined): string | null {
  const time = Date.parse(value ?? '');
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
