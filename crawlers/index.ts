import type { SourceName } from '../src/config/schema.js';
import type { Crawler } from '../src/crawl/crawler.js';
import { hackernews } from './hackernews.js';

/** Every crawler leakwatch has, one per source; names must be unique. */
export const CRAWLERS: readonly Crawler[] = checkUnique([hackernews as Crawler]);

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
