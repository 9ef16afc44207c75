import type { SourceName } from '../src/config/schema.js';
import type { Crawler } from '../src/crawl/crawler.js';
import { bluesky } from './bluesky.js';
import { discourse } from './discourse.js';
import { fourchan } from './fourchan.js';
import { hackernews } from './hackernews.js';
import { lemmy } from './lemmy.js';
import { mastodon } from './mastodon.js';
import { reddit } from './reddit.js';
import { rss } from './rss.js';
import { telegram } from './telegram.js';
import { webpage } from './webpage.js';
import { x } from './x.js';

/** Every crawler leakwatch has, one per source; names must be unique. */
export const CRAWLERS: readonly Crawler[] = checkUnique([reddit, mastodon, bluesky, hackernews, fourchan, telegram, lemmy, discourse, rss, x, webpage] as Crawler[]);

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
