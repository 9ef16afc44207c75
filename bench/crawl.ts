// Benchmark of one crawler end to end (npm run bench:crawl).
//
// A local server replays 100,000 Hacker News posts (1% of them carrying a
// meeting link) as Algolia search_by_date pages of 100, newest first; the
// crawler reads them all through the shared HTTP client and the runner
// stores, extracts and matches them, a page per transaction. Politeness
// limits are lifted for loopback (no request interval, no robots.txt).
// Prints one JSON line per figure.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hackernews } from '../crawlers/hackernews.js';
import { loadConfig } from '../src/config/load.js';
import type { Crawler } from '../src/crawl/crawler.js';
import { HttpClient } from '../src/crawl/http-client.js';
import { runCrawl } from '../src/crawl/runner.js';
import { createLogger } from '../src/logger.js';
import { Matcher, matchSettingsFrom } from '../src/match/matcher.js';
import { migrate, openDatabase } from '../src/store/database.js';

const POSTS = Number(process.env.BENCH_POSTS ?? 100_000);
const PER_PAGE = 100;
const WORDS = 'the class homework teacher today join meeting link later tonight anyone help please thanks exam study group project deadline'.split(' ');

// Deterministic posts, newest first.
function post(i: number) {
  const words = Array.from({ length: 12 + (i % 30) }, (_, w) => WORDS[(i * 7 + w * 3) % WORDS.length]);
  if (i % 100 === 0) words.splice(5, 0, `https://zoom.us/j/${80_000_000_000 + i}`);
  const createdAtI = 1_790_000_000 + (POSTS - i);
  return { objectID: String(1_000_000 + POSTS - i), created_at: new Date(createdAtI * 1000).toISOString(), created_at_i: createdAtI, author: `user${i % 997}`, title: null, url: null, story_text: null, comment_text: words.join(' '), _tags: ['comment'] };
}
// Algolia serves at most 10 pages of 100 per query, so the replay is spread over queries of 1,000 posts each.
const PAGES_PER_QUERY = 10;
const pages = Math.ceil(POSTS / PER_PAGE);
const queries = Array.from({ length: Math.ceil(pages / PAGES_PER_QUERY) }, (_, q) => `zoom${q}`);
const bodies = Array.from({ length: pages }, (_, page) =>
  JSON.stringify({
    hits: Array.from({ length: Math.min(PER_PAGE, POSTS - page * PER_PAGE) }, (_, j) => post(page * PER_PAGE + j)),
    page: page % PAGES_PER_QUERY,
    nbPages: Math.min(PAGES_PER_QUERY, pages - Math.floor(page / PAGES_PER_QUERY) * PAGES_PER_QUERY),
    hitsPerPage: PER_PAGE,
  }),
);

const server = createServer(function replay(request, response) {
  const params = new URL(request.url!, 'http://x').searchParams;
  const query = Number((params.get('query') ?? 'zoom0').slice(4));
  const page = query * PAGES_PER_QUERY + Number(params.get('page') ?? 0);
  response.writeHead(200, { 'content-type': 'application/json' }).end(bodies[page] ?? '{"hits":[],"page":0,"nbPages":0}');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const dir = mkdtempSync(join(tmpdir(), 'leakwatch-bench-crawl-'));
const db = openDatabase(join(dir, 'bench.db'));
migrate(db);
const { config, secrets } = loadConfig({ env: {} });
config.sources.hackernews = { ...config.sources.hackernews, enabled: true, baseUrl, queries, requestIntervalMs: 0 };
const http = new HttpClient({ ...config.http, allowPrivateHosts: true, respectRobotsTxt: false });

let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
const started = performance.now();
const summary = await runCrawl({ db, matcher: new Matcher(db, matchSettingsFrom(config)), crawler: hackernews as Crawler, config, secrets, http, log: createLogger({ level: 'silent' }) });
const seconds = (performance.now() - started) / 1000;
clearInterval(sample);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
console.log(JSON.stringify({ bench: 'crawl', figure: 'posts_per_s', value: Math.round(summary.posts / seconds), unit: 'posts/s', posts: summary.posts, references: summary.references, pages: summary.pages, status: summary.status, seconds: +seconds.toFixed(2) }));
console.log(JSON.stringify({ bench: 'crawl', figure: 'peak_rss', value: +(peakRss / 1e6).toFixed(1), unit: 'MB' }));
db.close();
server.close();
rmSync(dir, { recursive: true, force: true });
