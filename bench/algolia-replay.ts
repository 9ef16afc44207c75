// A replay of Hacker News' Algolia search_by_date for the benchmarks: post i
// belongs to query `q${i % queries}`, is created at baseTime + i seconds and
// becomes readable `i / rate` seconds after start(). Answers as Algolia does:
// newest first, numericFilters on created_at_i, page and hitsPerPage, at most
// 1,000 hits a query. `onServe(i)` is told of every post handed out.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReplayOptions {
  posts: number;
  /** Posts made readable per second. */
  rate: number;
  queries: number;
  baseTime: number;
  comment(i: number): string;
  onServe?(i: number): void;
}

export interface Replay {
  url: string;
  server: Server;
  /** From now on posts become readable. */
  start(): void;
  /** When post i became (or becomes) readable, in ms since the epoch. */
  readableAt(i: number): number;
  close(): void;
}

export async function startAlgoliaReplay(options: ReplayOptions): Promise<Replay> {
  const { posts, rate, queries, baseTime } = options;
  let start = Number.POSITIVE_INFINITY;
  const readableCount = (now: number) => Math.max(0, Math.min(posts, Math.floor(((now - start) * rate) / 1000) + 1));

  function search(params: URLSearchParams, now: number): string {
    const q = Number((params.get('query') ?? 'q0').slice(1));
    const perPage = Math.min(1000, Number(params.get('hitsPerPage') ?? 20));
    const page = Number(params.get('page') ?? 0);
    let lowAt = -Infinity;
    let highAt = Infinity;
    for (const filter of (params.get('numericFilters') ?? '').split(',').filter(Boolean)) {
      const m = /^created_at_i(>=|<=|>|<)(\d+)$/.exec(filter);
      if (!m) continue;
      const v = Number(m[2]);
      if (m[1] === '>=') lowAt = Math.max(lowAt, v);
      if (m[1] === '>') lowAt = Math.max(lowAt, v + 1);
      if (m[1] === '<=') highAt = Math.min(highAt, v);
      if (m[1] === '<') highAt = Math.min(highAt, v - 1);
    }
    // Indices of the query's readable posts, i = q + k * queries, within the time filter.
    const lastI = readableCount(now) - 1;
    const kMax = Math.floor((Math.min(lastI, highAt - baseTime) - q) / queries);
    const kMin = Math.max(0, Math.ceil((lowAt - baseTime - q) / queries));
    const total = Math.max(0, kMax - kMin + 1);
    const nbHits = Math.min(total, 1000);
    const hits = [];
    for (let n = page * perPage; n < Math.min(nbHits, (page + 1) * perPage); n++) {
      const i = q + (kMax - n) * queries;
      options.onServe?.(i);
      hits.push({ objectID: String(10_000_000 + i), created_at_i: baseTime + i, created_at: new Date((baseTime + i) * 1000).toISOString(), author: `user${i % 997}`, comment_text: options.comment(i), _tags: ['comment'] });
    }
    return JSON.stringify({ hits, page, nbPages: Math.ceil(nbHits / perPage), nbHits: total, hitsPerPage: perPage });
  }

  const server = createServer(function algolia(request, response) {
    const url = new URL(request.url ?? '/', 'http://replay');
    if (url.pathname !== '/api/v1/search_by_date') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(search(url.searchParams, Date.now()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    start: () => void (start = Date.now()),
    readableAt: (i) => start + (i * 1000) / rate,
    close: () => void server.close(),
  };
}
