import { load } from 'cheerio';
import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';

/** Threads fetched per board per run (4chan asks for at most one request a second); the rest wait for the next run. */
const MAX_THREADS = 50;

interface CatalogThread {
  no: number;
  last_modified: number;
  replies?: number;
  /** The thread's last few replies, the newest last. */
  last_replies?: { no: number }[];
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

/** Per thread: the newest post number read in it, and the newest the catalog showed. */
interface ThreadMark {
  read: number;
  newest: number;
}

/** A board's cursor: every thread of the last catalog, by number (stored as JSON, `[read, newest]` each). */
type BoardCursor = Map<number, ThreadMark>;

/**
 * 4chan's read-only JSON API: per board the catalog (asked with
 * If-Modified-Since, so an unchanged board costs one 304), then each thread
 * with posts not read yet. A post that quotes a post of its thread
 * (`>>900201`) replies to the first one it quotes.
 *
 * A board has no listing to page through, so its cursor keeps, per thread of
 * the catalog, the newest post number read there and the newest the catalog
 * showed (post numbers, not seconds: a post is new when its number is above
 * what was read in its thread). A thread is read when the catalog shows a
 * post above what was read; at most `MAX_THREADS` a run, the longest
 * waiting first (the oldest unread post), so threads left over by one run are
 * read by the next and none is passed over. A thread that leaves the catalog
 * with posts unread is asked for once more (boards with an archive still
 * serve it); one that is gone (404) is logged as a gap with the posts it
 * took, and forgotten.
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
      const stored = cursor(scope);
      const previous = parseBoardCursor(stored, scope);
      const waiting = [...previous.threads.values()].some((mark) => mark.newest > mark.read);
      const catalogUrl = new URL(`/${encodeURIComponent(board)}/catalog.json`, config.baseUrl);
      // Threads left unread by the last run are read even when the board has not changed since.
      const response = await http.get(catalogUrl.href, { signal, minIntervalMs, conditional: !waiting });
      if (response.notModified) return;
      const catalog = catalogThreads(response.json<unknown>(), catalogUrl);

      const threads: BoardCursor = new Map();
      for (const thread of catalog) {
        const newest = newestPostOf(thread, catalogUrl);
        const known = previous.threads.get(thread.no);
        // Without an entry: a new thread, or (cursor of the version before) one changed in or after its second.
        const read = known?.read ?? (previous.legacySince !== null && thread.last_modified < previous.legacySince ? newest : 0);
        threads.set(thread.no, { read, newest: Math.max(newest, known?.newest ?? 0) });
      }
      const gone = [...previous.threads].filter(([no, mark]) => !threads.has(no) && mark.newest > mark.read);
      const inCatalog = new Map(catalog.map((thread) => [thread.no, thread]));
      const due = [...gone.map(([no, mark]) => ({ no, mark, gone: true })), ...[...threads].filter(([, mark]) => mark.newest > mark.read).map(([no, mark]) => ({ no, mark, gone: false }))]
        .map((thread) => ({ ...thread, from: oldestUnread(thread.no, thread.mark, inCatalog.get(thread.no)) }))
        .sort((a, b) => a.from - b.from || (inCatalog.get(b.no)?.last_modified ?? Infinity) - (inCatalog.get(a.no)?.last_modified ?? Infinity))
        .slice(0, MAX_THREADS);

      let last = stored;
      for (const { no, mark, gone } of due) {
        const posts = await threadPosts(board, no);
        if (posts === null) {
          log.warn({ board, thread: no, after: mark.read, upTo: mark.newest }, 'the thread was pruned before its posts after the last one read could be read: they are skipped');
          threads.delete(no);
        } else {
          const read = Math.max(mark.read, ...posts.map((post) => post.no));
          if (gone) threads.delete(no);
          else threads.set(no, { read, newest: Math.max(mark.newest, read) });
        }
        last = formatBoardCursor(threads);
        const fresh = (posts ?? []).filter((post) => post.no > mark.read).map((post) => toPost(board, no, post));
        yield { scope, posts: fresh, cursor: last } satisfies CrawlPage;
      }
      const final = formatBoardCursor(threads);
      if (final !== last) yield { scope, posts: [], cursor: final } satisfies CrawlPage;
    }

    /** The thread's posts, or null when it is gone (404: pruned or deleted). */
    async function threadPosts(board: string, threadNo: number): Promise<ThreadPost[] | null> {
      const url = new URL(`/${encodeURIComponent(board)}/thread/${threadNo}.json`, config.baseUrl);
      let response;
      try {
        response = await http.get(url.href, { signal, minIntervalMs });
      } catch (error) {
        if (error instanceof BlockedError && error.status === 404) return null;
        throw error;
      }
      if (response.notModified) return [];
      const body = response.json<{ posts?: unknown }>();
      if (!body || !Array.isArray(body.posts)) throw new ParseError(`${url.host}: ${url.pathname} has no posts array`);
      return (body.posts as unknown[]).map((post) => checkPost(post, url));
    }
  },
};

/**
 * The number of a thread's oldest unread post, for the order threads are
 * read in: its opening post when none was read; the first of the last
 * replies after the one read when the catalog shows it follows that one (or
 * shows every reply); else just after the one read.
 */
function oldestUnread(no: number, mark: ThreadMark, thread: CatalogThread | undefined): number {
  if (mark.read === 0) return no;
  const replies = thread?.last_replies ?? [];
  const first = replies.findIndex((reply) => reply.no > mark.read);
  const exact = first > 0 || (first === 0 && (thread?.replies ?? Infinity) <= replies.length);
  return exact ? replies[first]!.no : mark.read + 1;
}

/** The newest post number of a catalog thread: its last reply's, or the opening post's. */
function newestPostOf(thread: CatalogThread, url: URL): number {
  const replies = thread.last_replies ?? [];
  if ((thread.replies ?? 0) > 0 && replies.length === 0) throw new ParseError(`${url.host}: thread ${thread.no} in ${url.pathname} has replies but no last_replies`);
  return Math.max(thread.no, ...replies.map((reply) => (typeof reply?.no === 'number' ? reply.no : thread.no)));
}

/**
 * The board's cursor; a cursor of the version before (the newest
 * `last_modified` second of the catalog) reads as: threads changed before
 * that second were read, the others are read again whole.
 */
function parseBoardCursor(stored: string | null, scope: string): { threads: BoardCursor; legacySince: number | null } {
  if (stored === null) return { threads: new Map(), legacySince: null };
  if (/^\d+$/.test(stored)) return { threads: new Map(), legacySince: Number(stored) };
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    value = null;
  }
  const entries = (value as { threads?: unknown } | null)?.threads;
  if (!entries || typeof entries !== 'object') throw new ParseError(`${scope}: the stored cursor ${JSON.stringify(stored)} is neither a board cursor nor a last_modified second`);
  const threads: BoardCursor = new Map();
  for (const [no, mark] of Object.entries(entries)) {
    if (!Array.isArray(mark) || typeof mark[0] !== 'number' || typeof mark[1] !== 'number') throw new ParseError(`${scope}: the stored cursor of thread ${no} is not [read, newest]`);
    threads.set(Number(no), { read: mark[0], newest: mark[1] });
  }
  return { threads, legacySince: null };
}

function formatBoardCursor(threads: BoardCursor): string {
  return JSON.stringify({ threads: Object.fromEntries([...threads].sort(([a], [b]) => a - b).map(([no, mark]) => [no, [mark.read, mark.newest]])) });
}

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
