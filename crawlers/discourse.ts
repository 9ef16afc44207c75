import type { Config } from '../src/config/schema.js';
import type { CrawlContext, CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';
import { eachInstance } from '../src/crawl/each-instance.js';
import { Walk } from '../src/crawl/walk.js';
import { parentPasscode, postText } from '../src/extract/reply.js';

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
  /** The `post_number` (within the topic) of the post this one replies to; null for a reply to the topic as a whole. */
  reply_to_post_number?: number | null;
}

/** Post ids by `<topic_id>#<post_number>`, of the posts read on one forum this run. */
type KnownIds = Map<string, number>;

/**
 * Discourse forums: `/posts.json`, the latest public posts across every
 * topic, newest first by id, paged back with `before=<post id>` and walked
 * with the shared resume rule ({@link Walk}): marks are post ids (a post's id
 * is given when it is posted, so none reaches the listing below ids already
 * read, and there is no overlap), and a walk cut short goes on before the
 * oldest id it read.
 *
 * A reply names the post it answers by its number in the topic
 * (`reply_to_post_number`), while posts are known by their id: the id is
 * taken from the posts read this run or, for a reply that carries a written
 * passcode (the only replies the matcher uses), from the topic's posts just
 * before it (`/t/<topic>/posts.json?post_number=<n + 1>`, newest first), which
 * also gives the parent to read.
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
  const walk = new Walk<LatestPost>({
    scope,
    stored: context.cursor(scope),
    maxPages: MAX_PAGES,
    overlapMs: 0,
    mark: (post) => ({ at: null, id: String(post.id) }),
    // Before walk cursors: the highest post id read.
    legacy: (stored) => (/^\d+$/.test(stored) ? { at: null, id: stored } : null),
    // Post ids number every post of the forum, private ones too: at most this many.
    between: (after, before) => Number(before.id) - Number(after.id) - 1,
    log: context.log,
  });
  const known: KnownIds = new Map();
  for (let request = walk.request(); request !== null; request = walk.request()) {
    const url = new URL(`${root}/posts.json`);
    if (request.below !== null) url.searchParams.set('before', request.below.id);
    const answer = await context.http.getJson<{ latest_posts?: unknown }>(url.href, { signal: context.signal, minIntervalMs: context.minIntervalMs, conditional: false });
    const posts = checkPosts(answer, base.host);
    const page = walk.read(posts, { more: posts.length > 0 });
    yield {
      scope,
      posts: await postsOf(context, root, scope, page.items.filter((post) => !post.hidden && !post.deleted_at), posts, known),
      cursor: page.cursor,
    };
  }
}

/**
 * The posts of `shown`, each reply with its parent's sourceId when it is
 * known or worth asking for (see {@link discourse}); parents asked for are
 * added. `page` is every post of the answer, hidden ones too, for their ids.
 */
async function postsOf(context: Context, root: string, scope: string, shown: readonly LatestPost[], page: readonly LatestPost[], known: KnownIds): Promise<Post[]> {
  for (const post of page) known.set(`${post.topic_id}#${post.post_number}`, post.id);
  const posts: Post[] = [];
  const added = new Set<number>();
  for (const latest of shown) {
    const post = toPost(latest, root, scope);
    const number = latest.reply_to_post_number;
    if (typeof number === 'number' && Number.isSafeInteger(number) && number > 0 && number !== latest.post_number) {
      let id = known.get(`${latest.topic_id}#${number}`);
      if (id === undefined && parentPasscode(postText(post)) !== null) {
        const parent = await getPostByNumber(context, root, latest.topic_id, number);
        if (parent !== null) {
          id = parent.id;
          known.set(`${latest.topic_id}#${number}`, id);
          if (!parent.hidden && !parent.deleted_at && !added.has(id)) {
            added.add(id);
            posts.push(toPost(parent, root, scope));
          }
        }
      }
      if (id !== undefined) post.replyTo = `${scope}/p/${id}`;
    }
    posts.push(post);
  }
  return posts;
}

/**
 * Post `number` of a topic: the first of the topic's posts before `number + 1`
 * (Discourse answers those newest first); null when the forum will not show it.
 */
async function getPostByNumber(context: Context, root: string, topicId: number, number: number): Promise<LatestPost | null> {
  const url = new URL(`${root}/t/${topicId}/posts.json`);
  url.searchParams.set('post_number', String(number + 1));
  let answer: { post_stream?: { posts?: unknown } } | null;
  try {
    answer = await context.http.getJson<{ post_stream?: { posts?: unknown } }>(url.href, { signal: context.signal, minIntervalMs: context.minIntervalMs, conditional: false });
  } catch (error) {
    if (!(error instanceof BlockedError)) throw error;
    context.log.debug({ forum: url.host, topic: topicId, post: number, err: error }, 'the post a reply answers cannot be read; the reply is kept without it');
    return null;
  }
  const posts = answer?.post_stream?.posts;
  if (!Array.isArray(posts)) throw new ParseError(`${url.host}: /t/${topicId}/posts.json answer has no post_stream.posts array`);
  const found = (posts as Partial<LatestPost>[]).find((post) => post?.post_number === number);
  if (!found) return null;
  if (typeof found.id !== 'number' || typeof found.cooked !== 'string') throw new ParseError(`${url.host}: a post in /t/${topicId}/posts.json without id or cooked`);
  return { ...found, topic_id: topicId } as LatestPost;
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
