import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { ParseError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';

/** How many result pages one query may walk per run (Algolia serves at most 1000 hits a query). */
const MAX_PAGES = 10;
const HITS_PER_PAGE = 100;

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
}

/**
 * Hacker News through Algolia's `search_by_date`: stories and comments newer
 * than the scope's cursor (`created_at_i` of the newest hit stored), newest
 * first. A comment replies to its `parent_id` (a story or a comment).
 */
export const hackernews: Crawler<'hackernews'> = {
  name: 'hackernews',
  async *crawl({ config, http, cursor, queries, minIntervalMs, signal }) {
    for (const query of queries) {
      const scope = `query:${query}`;
      const since = Number(cursor(scope) ?? 0);
      let newest = since;
      for (let page = 0; page < MAX_PAGES; page++) {
        const url = new URL('/api/v1/search_by_date', config.baseUrl);
        url.searchParams.set('query', query);
        url.searchParams.set('tags', '(story,comment)');
        url.searchParams.set('numericFilters', `created_at_i>${since}`);
        url.searchParams.set('hitsPerPage', String(HITS_PER_PAGE));
        url.searchParams.set('page', String(page));
        const response = await http.getJson<SearchResponse>(url.href, { signal, minIntervalMs, conditional: false });
        if (!response || !Array.isArray(response.hits) || typeof response.nbPages !== 'number') {
          throw new ParseError(`${url.host}: search_by_date answer has no hits/nbPages`);
        }
        const posts = response.hits.map(toPost);
        for (const hit of response.hits) newest = Math.max(newest, Number(hit.created_at_i) || 0);
        const last = page + 1 >= response.nbPages || response.hits.length === 0 || page + 1 === MAX_PAGES;
        yield { scope, posts, cursor: last && newest > since ? String(newest) : null } satisfies CrawlPage;
        if (last) break;
      }
    }
  },
};

function toPost(hit: Hit): Post {
  if (typeof hit.objectID !== 'string' || typeof hit.created_at_i !== 'number') throw new ParseError('hackernews: a hit without objectID or created_at_i');
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
