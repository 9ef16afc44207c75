import type { Config } from '../src/config/schema.js';
import type { CrawlContext, CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { ParseError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';
import { eachInstance } from '../src/crawl/each-instance.js';

/** Requests per forum per run (Discourse answers 50 posts each). */
const MAX_PAGES = 10;

type Context = CrawlContext<Config['sources']['discourse']>;

interface LatestPost {
  id: number;
  topic_id: number;
  post_number: number;
  cooked: string;
  topic_slug?: string | null;
  topic_title?: string | null;
  username?: string | null;
  created_at?: string | null;
  hidden?: boolean;
  deleted_at?: string | null;
}

/**
 * Discourse forums: `/posts.json`, the latest public posts across every
 * topic, newest first, paged back with `before=<post id>`. The cursor of a
 * forum is the highest post id read, stored once a walk reaches it.
 */
export const discourse: Crawler<'discourse'> = {
  name: 'discourse',
  crawl(context) {
    return eachInstance(context, (base) => latestPosts(context, base));
  },
};

async function* latestPosts(context: Context, base: URL): AsyncGenerator<CrawlPage> {
  // A forum may live under a path (`https://example.org/forum`), and its permalinks with it.
  const root = base.href.replace(/\/+$/, '');
  const scope = root.replace(/^https?:\/\//, '');
  const stored = context.cursor(scope);
  if (stored !== null && !/^\d+$/.test(stored)) throw new ParseError(`discourse: stored cursor ${JSON.stringify(stored)} of ${scope} is not a post id`);
  const since = Number(stored ?? 0);
  let newest = since;
  let before: number | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(`${root}/posts.json`);
    if (before !== null) url.searchParams.set('before', String(before));
    const answer = await context.http.getJson<{ latest_posts?: unknown }>(url.href, { signal: context.signal, minIntervalMs: context.minIntervalMs, conditional: false });
    const posts = checkPosts(answer, base.host);
    const fresh = posts.filter((post) => post.id > since);
    for (const post of fresh) newest = Math.max(newest, post.id);
    const last = posts.length === 0 || fresh.length < posts.length || page + 1 === MAX_PAGES;
    yield {
      scope,
      posts: fresh.filter((post) => !post.hidden && !post.deleted_at).map((post) => toPost(post, root, scope)),
      cursor: last && newest > since ? String(newest) : null,
    };
    if (last) return;
    before = Math.min(...posts.map((post) => post.id));
  }
}

function checkPosts(answer: { latest_posts?: unknown } | null, host: string): LatestPost[] {
  if (!answer || !Array.isArray(answer.latest_posts)) throw new ParseError(`${host}: /posts.json answer has no latest_posts array`);
  for (const value of answer.latest_posts as Partial<LatestPost>[]) {
    if (!value || typeof value.id !== 'number' || typeof value.topic_id !== 'number' || typeof value.post_number !== 'number' || typeof value.cooked !== 'string') {
      throw new ParseError(`${host}: a post in /posts.json without id, topic_id, post_number or cooked`);
    }
  }
  return answer.latest_posts as LatestPost[];
}

function toPost(post: LatestPost, root: string, scope: string): Post {
  const body = htmlToText(post.cooked);
  // The first post of a topic is the topic: its title is part of what was posted.
  const title = post.post_number === 1 ? post.topic_title : null;
  return {
    source: 'discourse',
    sourceId: `${scope}/p/${post.id}`,
    // Discourse accepts `-` for a slug it is not given.
    url: `${root}/t/${post.topic_slug || '-'}/${post.topic_id}/${post.post_number}`,
    author: post.username ?? null,
    createdAt: post.created_at ?? null,
    text: [title, body.text].filter(Boolean).join('\n'),
    links: body.links,
  };
}
