import { load } from 'cheerio';
import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';

/** Threads fetched per board per run, the most recently modified first (4chan asks for at most one request a second). */
const MAX_THREADS = 50;

interface CatalogThread {
  no: number;
  last_modified: number;
}

interface CatalogPage {
  page: number;
  threads: CatalogThread[];
}

interface ThreadPost {
  no: number;
  resto?: number;
  time: number;
  name?: string;
  trip?: string;
  sub?: string;
  com?: string;
}

/**
 * 4chan's read-only JSON API: per board the catalog (asked with
 * If-Modified-Since, so an unchanged board costs one 304), then every thread
 * modified since the board's cursor, newest first. A post that quotes a post
 * of its thread (`>>900201`) replies to the first one it quotes.
 *
 * The cursor is the newest `last_modified` in the catalog, not the newest
 * post read: a thread that gains posts after the catalog was fetched shows a
 * `last_modified` above that cursor in the next catalog, so it is read again
 * then (its posts already stored are skipped) instead of being lost.
 */
export const fourchan: Crawler<'fourchan'> = {
  name: 'fourchan',
  async *crawl({ config, http, cursor, minIntervalMs, signal, log }) {
    let failure: unknown = null;
    for (const board of config.boards) {
      try {
        yield* crawlBoard(board);
      } catch (error) {
        if (signal.aborted) throw error;
        failure ??= error;
        log.warn({ err: error, board }, 'board failed; crawling the other boards');
      }
    }
    if (failure) throw failure;

    async function* crawlBoard(board: string): AsyncGenerator<CrawlPage> {
      const scope = `board:${board}`;
      const since = Number(cursor(scope) ?? 0);
      const catalogUrl = new URL(`/${encodeURIComponent(board)}/catalog.json`, config.baseUrl);
      const response = await http.get(catalogUrl.href, { signal, minIntervalMs });
      if (response.notModified) return;
      const threads = catalogThreads(response.json<unknown>(), catalogUrl);

      const changed = threads.filter((thread) => thread.last_modified > since).sort((a, b) => b.last_modified - a.last_modified);
      if (changed.length === 0) return;
      const newest = changed[0]!.last_modified;
      const selected = changed.slice(0, MAX_THREADS);
      if (changed.length > selected.length) {
        log.warn({ board, changed: changed.length, read: selected.length }, 'more threads changed than one run reads; the oldest are skipped');
      }

      for (const [index, thread] of selected.entries()) {
        const posts = await threadPosts(board, thread.no, since);
        const last = index === selected.length - 1;
        yield { scope, posts, cursor: last ? String(newest) : null } satisfies CrawlPage;
      }
    }

    async function threadPosts(board: string, threadNo: number, since: number): Promise<Post[]> {
      const url = new URL(`/${encodeURIComponent(board)}/thread/${threadNo}.json`, config.baseUrl);
      let response;
      try {
        response = await http.get(url.href, { signal, minIntervalMs });
      } catch (error) {
        // A thread pruned or deleted between the catalog and now: nothing left to read.
        if (error instanceof BlockedError && error.status === 404) return [];
        throw error;
      }
      if (response.notModified) return [];
      const body = response.json<{ posts?: unknown }>();
      if (!body || !Array.isArray(body.posts)) throw new ParseError(`${url.host}: ${url.pathname} has no posts array`);
      // `>=`: a post in the same second as the cursor may have missed the last catalog; re-reading one is harmless.
      return (body.posts as unknown[]).map((post) => checkPost(post, url)).filter((post) => post.time >= since).map((post) => toPost(board, threadNo, post));
    }
  },
};

function catalogThreads(body: unknown, url: URL): CatalogThread[] {
  if (!Array.isArray(body)) throw new ParseError(`${url.host}: ${url.pathname} is not an array of catalog pages`);
  return (body as CatalogPage[]).flatMap((page) => {
    if (!page || !Array.isArray(page.threads)) throw new ParseError(`${url.host}: a page of ${url.pathname} has no threads array`);
    return page.threads.map((thread) => {
      if (typeof thread?.no !== 'number' || typeof thread.last_modified !== 'number') {
        throw new ParseError(`${url.host}: a thread in ${url.pathname} lacks no or last_modified`);
      }
      return thread;
    });
  });
}

function checkPost(post: unknown, url: URL): ThreadPost {
  const candidate = post as ThreadPost | null;
  if (typeof candidate?.no !== 'number' || typeof candidate.time !== 'number') throw new ParseError(`${url.host}: a post in ${url.pathname} lacks no or time`);
  return candidate;
}

function toPost(board: string, threadNo: number, post: ThreadPost): Post {
  // 4chan breaks long words, URLs included, with <wbr>; htmlToText joins them again.
  const body = htmlToText(post.com ?? '');
  const subject = post.sub ? htmlToText(post.sub).text : '';
  return {
    source: 'fourchan',
    // Post numbers are unique per board only.
    sourceId: `${board}/${post.no}`,
    url: `https://boards.4chan.org/${board}/thread/${post.resto || threadNo}#p${post.no}`,
    author: [post.name, post.trip].filter(Boolean).join(' ') || null,
    createdAt: new Date(post.time * 1000).toISOString(),
    text: [subject, body.text].filter(Boolean).join('\n'),
    links: body.links,
    ...replyTo(board, post.resto || threadNo, post),
  };
}

/**
 * A post replies to the first post of its own thread it quotes (`>>900201`,
 * a `quotelink` to `#p900201` or to `/<board>/thread/<thread>#p900201`);
 * quotes of other threads and boards (`>>>/po/lft`) are not replies.
 */
function replyTo(board: string, threadNo: number, post: ThreadPost): { replyTo?: string } {
  if (!post.com?.includes('quotelink')) return {};
  const $ = load(post.com, null, false);
  const sameThread = new RegExp(`^(?:(?:https?:)?//boards\\.4chan(?:nel)?\\.org)?/${board}/thread/${threadNo}(?:/[^#]*)?#p(\\d+)$`);
  for (const anchor of $('a.quotelink[href]').toArray()) {
    const href = $(anchor).attr('href') ?? '';
    const quoted = Number((/^#p(\d+)$/.exec(href) ?? sameThread.exec(href))?.[1]);
    if (Number.isSafeInteger(quoted) && quoted > 0 && quoted !== post.no) return { replyTo: `${board}/${quoted}` };
  }
  return {};
}
