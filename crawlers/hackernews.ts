import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { ParseError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';
import { Walk, type WalkRequest } from '../src/crawl/walk.js';

/** Requests one query may make per run. */
const MAX_PAGES = 10;
const HITS_PER_PAGE = 100;
/** Algolia serves at most 1,000 hits of one query: past them a walk narrows the query with `created_at_i<=`. */
const ALGOLIA_PAGES = 1000 / HITS_PER_PAGE;
/** Algolia indexes HN items a little after they are posted: a walk reads this far below its floor again. */
const OVERLAP_MS = 10 * 60_000;

interface Hit {
  objectID: string;
  created_at?: string;
  created_at_i: number;
  author?: string | null;
  title?: string | null;
  url?: string | null;
  story_text?: string | null;
  comment_text?: string | null;
  story_url?: string | null;
  /** The item a comment answers (a story or a comment); null for stories. */
  parent_id?: number | null;
}

interface SearchResponse {
  hits: Hit[];
  page: number;
  nbPages: number;
  nbHits?: number;
}

/**
 * Hacker News through Algolia's `search_by_date`, newest first, walked per
 * query with the shared resume rule ({@link Walk}): marks are
 * (`created_at_i`, objectID), the floor is asked as `created_at_i>=` less
 * the overlap, and a walk goes back with `page` up to Algolia's 1,000 hits,
 * then with `created_at_i<=` the oldest hit read. A comment replies to its
 * `parent_id` (a story or a comment).
 */
export const hackernews: Crawler<'hackernews'> = {
  name: 'hackernews',
  async *crawl({ config, http, cursor, queries, minIntervalMs, signal, log }) {
    for (const query of queries) {
      const scope = `query:${query}`;
      const walk = new Walk<Hit>({
        scope,
        stored: cursor(scope),
        maxPages: MAX_PAGES,
        overlapMs: OVERLAP_MS,
        mark: (hit) => ({ at: hit.created_at_i * 1000, id: hit.objectID }),
        // Before walk cursors: the newest created_at_i read.
        legacy: (stored) => (/^\d+$/.test(stored) ? { at: Number(stored) * 1000, id: '' } : null),
        log,
      });
      for (let request = walk.request(); request !== null; request = walk.request()) {
        const { url, window } = searchUrl(config.baseUrl, query, request);
        const response = await http.getJson<SearchResponse>(url.href, { signal, minIntervalMs, conditional: false });
        if (!response || !Array.isArray(response.hits) || typeof response.nbPages !== 'number') {
          throw new ParseError(`${url.host}: search_by_date answer has no hits/nbPages`);
        }
        const hits = response.hits.map(checkHit);
        const shown = (window.page + 1) * HITS_PER_PAGE;
        const more = hits.length > 0 && (window.page + 1 < response.nbPages || (typeof response.nbHits === 'number' && response.nbHits > shown));
        const page = walk.read(hits, { more, next: `${window.upper ?? ''}/${window.page}`, bounded: request.sinceMs !== null });
        yield { scope, posts: page.items.map(toPost), cursor: page.cursor } satisfies CrawlPage;
      }
    }
  },
};

/**
 * The request of a walk's page: the next `page` of the same `created_at_i`
 * window while Algolia serves it, else a window ending at the oldest hit
 * read (inclusive: hits of its second not yet read are in it).
 */
function searchUrl(baseUrl: string, query: string, request: WalkRequest): { url: URL; window: { upper: number | null; page: number } } {
  const previous = request.resumed ? null : /^(\d*)\/(\d+)$/.exec(request.next ?? '');
  let window: { upper: number | null; page: number };
  if (previous && Number(previous[2]) + 1 < ALGOLIA_PAGES) window = { upper: previous[1] ? Number(previous[1]) : null, page: Number(previous[2]) + 1 };
  else window = { upper: request.below?.at == null ? null : Math.floor(request.below.at / 1000), page: 0 };
  const filters = [request.sinceMs === null ? null : `created_at_i>=${Math.floor(request.sinceMs / 1000)}`, window.upper === null ? null : `created_at_i<=${window.upper}`].filter((f) => f !== null);
  const url = new URL('/api/v1/search_by_date', baseUrl);
  url.searchParams.set('query', query);
  url.searchParams.set('tags', '(story,comment)');
  if (filters.length > 0) url.searchParams.set('numericFilters', filters.join(','));
  url.searchParams.set('hitsPerPage', String(HITS_PER_PAGE));
  url.searchParams.set('page', String(window.page));
  return { url, window };
}

function checkHit(hit: Hit): Hit {
  if (typeof hit?.objectID !== 'string' || typeof hit.created_at_i !== 'number') throw new ParseError('hackernews: a hit without objectID or created_at_i');
  return hit;
}

function toPost(hit: Hit): Post {
  const body = htmlToText(hit.comment_text ?? hit.story_text ?? '');
  const links = [hit.url, hit.story_url, ...body.links].filter((l): l is string => typeof l === 'string' && l.length > 0);
  return {
    source: 'hackernews',
    sourceId: hit.objectID,
    url: `https://news.ycombinator.com/item?id=${hit.objectID}`,
    author: hit.author ?? null,
    createdAt: hit.created_at ?? new Date(hit.created_at_i * 1000).toISOString(),
    text: [hit.title, body.text].filter(Boolean).join('\n'),
    links: [...new Set(links)],
    ...(typeof hit.parent_id === 'number' ? { replyTo: String(hit.parent_id) } : {}),
  };
}
