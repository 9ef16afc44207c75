import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';

/** How many result pages one query may walk per run. */
const MAX_PAGES = 10;
const LIMIT = 100;

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
 * per query, newest first. The cursor is the newest post's `sortAt` (the
 * earlier of `createdAt` and `indexedAt`, which is what `sort=latest` orders
 * by and what `since` filters on).
 */
export const bluesky: Crawler<'bluesky'> = {
  name: 'bluesky',
  async *crawl({ config, secrets, http, cursor, queries, minIntervalMs, signal, log }) {
    if (secrets.blueskyAppPassword) {
      log.info('LEAKWATCH_BLUESKY_APP_PASSWORD is set but the config names no account handle to sign in with; searching the public AppView without a session');
    }
    for (const query of queries) {
      const scope = `query:${query}`;
      const stored = Date.parse(cursor(scope) ?? '');
      const since = Number.isNaN(stored) ? null : stored;
      let newest = since;
      let next: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const url = new URL('/xrpc/app.bsky.feed.searchPosts', config.baseUrl);
        url.searchParams.set('q', query);
        url.searchParams.set('sort', 'latest');
        url.searchParams.set('limit', String(LIMIT));
        if (since !== null) url.searchParams.set('since', new Date(since).toISOString());
        if (next) url.searchParams.set('cursor', next);

        let response: SearchResponse;
        try {
          response = await http.getJson<SearchResponse>(url.href, { signal, minIntervalMs, conditional: false });
        } catch (error) {
          // The public AppView refuses `cursor` paging without a session (403): keep what the first pages gave.
          if (!(next && error instanceof BlockedError && error.status === 403)) throw error;
          log.warn({ scope, pages: page }, 'the AppView refused to page further without a session; posts between the stored cursor and the oldest one read are skipped');
          if (newest !== null && newest !== since) yield { scope, posts: [], cursor: new Date(newest).toISOString() } satisfies CrawlPage;
          break;
        }
        if (!response || typeof response !== 'object' || !Array.isArray(response.posts)) {
          throw new ParseError(`${url.host}: searchPosts answer has no posts array`);
        }

        const posts: Post[] = [];
        let reachedCursor = false;
        for (const view of response.posts) {
          const sortAt = sortAtOf(view, url.host);
          if (since !== null && sortAt <= since) {
            reachedCursor = true;
            continue;
          }
          posts.push(toPost(view, url.host));
          if (newest === null || sortAt > newest) newest = sortAt;
        }
        const capped = page + 1 === MAX_PAGES;
        const last = reachedCursor || !response.cursor || response.posts.length === 0 || capped;
        if (capped && !reachedCursor && since !== null) {
          log.warn({ scope, pages: MAX_PAGES }, 'walked the page limit without reaching the stored cursor; older new posts are skipped');
        }
        yield { scope, posts, cursor: last && newest !== null && newest !== since ? new Date(newest).toISOString() : null } satisfies CrawlPage;
        if (last) break;
        next = response.cursor ?? null;
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
