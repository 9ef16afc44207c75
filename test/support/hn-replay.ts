/**
 * A replay of Hacker News' Algolia `search_by_date` (the shape of
 * hn.algolia.com/api/v1/search_by_date) over a list of comments a test
 * publishes as it goes: newest first, `numericFilters` on `created_at_i`,
 * `page` and `hitsPerPage`, and Algolia's cap of 1,000 hits per query.
 */
import { startHttpServer, type TestHttpServer } from './http-server.js';

export interface ReplayComment {
  objectID: string;
  created_at_i: number;
  author: string;
  comment_text: string;
  /** The query whose results hold it. */
  query: string;
}

export interface HnReplay {
  /** `http://127.0.0.1:PORT`, the crawler's baseUrl. */
  url: string;
  server: TestHttpServer;
  /** Makes comments readable from now on. */
  publish(comments: ReplayComment[]): void;
  /** How long each page takes to answer (a slow source, so a walk spans time a test can interrupt). */
  delayMs: number;
  /** How many pages of hits were served. */
  pagesServed(): number;
  close(): Promise<void>;
}

const ALGOLIA_CAP = 1000;

export async function startHnReplay(): Promise<HnReplay> {
  const comments: ReplayComment[] = [];
  let pages = 0;
  const newestFirst = (a: ReplayComment, b: ReplayComment) => b.created_at_i - a.created_at_i || Number(b.objectID) - Number(a.objectID);
  const server = await startHttpServer({
    '/api/v1/search_by_date': (request, response) => {
      const params = new URL(request.url ?? '/', 'http://replay').searchParams;
      const query = params.get('query') ?? '';
      const perPage = Math.min(1000, Number(params.get('hitsPerPage') ?? 20));
      const page = Number(params.get('page') ?? 0);
      const filters = (params.get('numericFilters') ?? '').split(',').filter(Boolean);
      const matching = comments.filter((c) => c.query === query && filters.every((f) => numericFilter(f, c.created_at_i)));
      const nbHits = matching.length;
      const served = matching.slice(0, ALGOLIA_CAP);
      const hits = served.slice(page * perPage, (page + 1) * perPage).map((c) => ({
        objectID: c.objectID,
        created_at_i: c.created_at_i,
        created_at: new Date(c.created_at_i * 1000).toISOString(),
        author: c.author,
        comment_text: c.comment_text,
        parent_id: 1,
        _tags: ['comment', `author_${c.author}`],
      }));
      pages++;
      const body = JSON.stringify({ hits, page, nbHits, nbPages: Math.ceil(served.length / perPage), hitsPerPage: perPage, query, params: params.toString() });
      setTimeout(() => {
        if (response.destroyed) return;
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end(body);
      }, replay.delayMs);
    },
  });
  const replay: HnReplay = {
    delayMs: 0,
    url: server.url,
    server,
    publish(more) {
      comments.push(...more);
      comments.sort(newestFirst);
    },
    pagesServed: () => pages,
    close: () => server.close(),
  };
  return replay;
}

function numericFilter(filter: string, value: number): boolean {
  const m = /^created_at_i(>=|<=|>|<|=)(\d+)$/.exec(filter);
  if (!m) throw new Error(`replay: a numeric filter it does not know: ${filter}`);
  const bound = Number(m[2]);
  return m[1] === '>=' ? value >= bound : m[1] === '<=' ? value <= bound : m[1] === '>' ? value > bound : m[1] === '<' ? value < bound : value === bound;
}
