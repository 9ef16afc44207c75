import type { Config, Secrets, SourceName } from '../config/schema.js';

/**
 * Why a source has nothing to read with this configuration (no feeds, no
 * boards, no queries…), or null when it has something. `queries` are the
 * search terms the runner hands the crawler: the configured ones and those
 * of the registered organisations. A run of such a source reads nothing and
 * proves nothing, so it is reported as "nothing to crawl", not as a success.
 */
export function nothingToCrawl(source: SourceName, sources: Config['sources'], queries: readonly string[], secrets: Secrets): string | null {
  const none = (...keys: string[]) => `no ${keys.join(' or ')} configured (${keys.map((key) => `sources.${source}.${key}`).join(', ')})`;
  switch (source) {
    case 'reddit':
      return sources.reddit.subreddits.length === 0 && queries.length === 0 ? none('subreddits', 'queries') : null;
    case 'mastodon':
      if (sources.mastodon.instances.length === 0) return none('instances');
      if (sources.mastodon.hashtags.length > 0) return null;
      if (queries.length === 0) return none('hashtags', 'queries');
      return secrets.mastodonToken ? null : `no hashtags configured (sources.mastodon.hashtags), and searches need LEAKWATCH_MASTODON_TOKEN`;
    case 'x':
      if (!secrets.xBearerToken) return 'X needs a Bearer token: set LEAKWATCH_X_BEARER_TOKEN';
      return queries.length === 0 ? none('queries') : null;
    case 'bluesky':
    case 'hackernews':
      return queries.length === 0 ? none('queries') : null;
    case 'fourchan':
      return sources.fourchan.boards.length === 0 ? none('boards') : null;
    case 'telegram':
      return sources.telegram.channels.length === 0 ? none('channels') : null;
    case 'lemmy':
      return sources.lemmy.instances.length === 0 ? none('instances') : null;
    case 'discourse':
      return sources.discourse.instances.length === 0 ? none('instances') : null;
    case 'rss':
      return sources.rss.feeds.length === 0 ? none('feeds') : null;
    case 'webpage':
      return sources.webpage.pages.length === 0 ? none('pages') : null;
  }
}
