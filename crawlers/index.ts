import type { SourceName } from '../src/config/schema.js';
import type { Crawler } from '../src/crawl/crawler.js';
import { bluesky } from './bluesky.js';
import { hackernews } from './hackernews.js';
import { reddit } from './reddit.js';
import { x } from './x.js';

/** Every crawler leakwatch has, one per source; names must be unique. */
export const CRAWLERS: readonly Crawler[] = checkUnique([reddit, bluesky, hackernews, x] as Crawler[]);

export function crawlerFor(name: string): Crawler | undefined {
  return CRAWLERS.find((crawler) => crawler.name === name);
}

function checkUnique(crawlers: Crawler[]): Crawler[] {
  const seen = new Set<SourceName>();
  for (const crawler of crawlers) {
    if (seen.has(crawler.name)) throw new Error(`two crawlers are named "${crawler.name}"`);
    seen.add(crawler.name);
  }
  return crawlers;
}
