import { createHash } from 'node:crypto';
import { load, type Cheerio, type CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { ParseError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';
import type { Logger } from '../src/logger.js';

/**
 * A feed's item may show up after newer ones with an earlier date (a post
 * scheduled or approved late, a comment held for moderation): items this far
 * below the newest date read are still new unless their id was read.
 */
const OVERLAP_MS = 24 * 3_600_000;

/**
 * What a feed's cursor remembers: the newest item date, and the ids of the
 * items dated within the overlap below it and of the undated ones. Feeds
 * have no paging and often give several items the same second, so a date
 * alone would either re-read or miss an item added later with the cursor's
 * own date or a little before it. (The cursor of the version before kept
 * the ids of the newest date only: read with the overlap, it lets the items
 * of the day before it be read again once, which the store skips.)
 */
interface FeedCursor {
  /** ISO-8601, or null when no item had a date. */
  newest: string | null;
  ids: string[];
}

interface Item {
  id: string;
  /** Epoch ms, or null when the item has no readable date. */
  date: number | null;
  post: Post;
}

/**
 * RSS 2.0, RSS 1.0 and Atom feeds (`sources.rss.feeds`). Each feed is asked
 * with If-None-Match / If-Modified-Since, so an unchanged feed costs a 304;
 * items not read before (see {@link FeedCursor}) become posts. A feed holds
 * only its latest items: when none it holds is as old as the newest read
 * before, the items published in between may have left it unread, and that
 * gap is logged with its size. An Atom entry of a comment
 * feed replies to the entry its `thr:in-reply-to` names (RFC 4685); RSS 2.0
 * has no such element.
 */
export const rss: Crawler<'rss'> = {
  name: 'rss',
  async *crawl({ config, http, cursor, minIntervalMs, signal, log }) {
    let failure: unknown = null;
    for (const feed of config.feeds) {
      try {
        const page = await crawlFeed(feed);
        if (page) yield page;
      } catch (error) {
        if (signal.aborted) throw error;
        failure ??= error;
        log.warn({ err: error, feed }, 'feed failed; crawling the other feeds');
      }
    }
    if (failure) throw failure;

    async function crawlFeed(feed: string): Promise<CrawlPage | null> {
      const scope = `feed:${feed}`;
      const response = await http.get(feed, { signal, minIntervalMs, headers: { accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5' } });
      if (response.notModified) return null;
      const items = readFeed(response.text(), feed);
      const previous = parseCursor(cursor(scope));
      warnIfGap(items, previous, feed, log);
      const fresh = items.filter((item) => isNew(item, previous));
      const next = nextCursor(items, previous);
      const changed = JSON.stringify(next) !== JSON.stringify(previous);
      if (fresh.length === 0 && !changed) return null;
      return { scope, posts: fresh.map((item) => item.post), cursor: changed ? JSON.stringify(next) : null };
    }
  },
};

function parseCursor(stored: string | null): FeedCursor {
  if (!stored) return { newest: null, ids: [] };
  const parsed = JSON.parse(stored) as Partial<FeedCursor>;
  return { newest: parsed.newest ?? null, ids: Array.isArray(parsed.ids) ? parsed.ids : [] };
}

function isNew(item: Item, previous: FeedCursor): boolean {
  if (item.date === null) return !previous.ids.includes(item.id);
  const newest = previous.newest === null ? null : Date.parse(previous.newest);
  if (newest === null || item.date > newest) return true;
  return item.date >= newest - OVERLAP_MS && !previous.ids.includes(item.id);
}

/** Ids are kept only for items still in the feed and within the overlap, so the cursor stays as small as the feed. */
function nextCursor(items: Item[], previous: FeedCursor): FeedCursor {
  const dates = items.flatMap((item) => (item.date === null ? [] : [item.date]));
  const previousNewest = previous.newest === null ? null : Date.parse(previous.newest);
  const newest = Math.max(previousNewest ?? -Infinity, ...dates);
  const ids = items.filter((item) => item.date === null || item.date >= newest - OVERLAP_MS).map((item) => item.id);
  return { newest: Number.isFinite(newest) ? new Date(newest).toISOString() : null, ids: [...new Set(ids)].sort() };
}

/** Every dated item of the feed is newer than the newest read before, and none read before is left in it: what was published in between may be lost. */
function warnIfGap(items: Item[], previous: FeedCursor, feed: string, log: Logger): void {
  if (previous.newest === null) return;
  const dates = items.flatMap((item) => (item.date === null ? [] : [item.date]));
  if (dates.length === 0 || items.some((item) => previous.ids.includes(item.id))) return;
  const oldest = Math.min(...dates);
  const newest = Date.parse(previous.newest);
  if (oldest <= newest) return;
  log.warn(
    { feed, after: previous.newest, before: new Date(oldest).toISOString(), seconds: Math.round((oldest - newest) / 1000), items: items.length },
    'the feed no longer reaches back to the newest item read: items published between them may have left it unread',
  );
}

function readFeed(xml: string, feed: string): Item[] {
  const $ = load(xml, { xml: true });
  if ($('rss > channel').length) {
    const channelTitle = $('rss > channel > title').first().text().trim();
    return $('rss > channel > item').toArray().map((el) => rssItem($, $(el), feed, channelTitle));
  }
  if ($('feed').length) {
    const feedTitle = $('feed > title').first().text().trim();
    return $('feed > entry').toArray().map((el) => atomEntry($, $(el), feed, feedTitle));
  }
  // RSS 1.0: items are siblings of the channel under rdf:RDF.
  if ($('rdf\\:RDF > channel').length) {
    const channelTitle = $('rdf\\:RDF > channel > title').first().text().trim();
    return $('rdf\\:RDF > item').toArray().map((el) => rssItem($, $(el), feed, channelTitle));
  }
  const root = $.root().children().first().get(0)?.name ?? 'nothing';
  throw new ParseError(`${feed} is not an RSS or Atom feed (its root element is <${root}>)`);
}

function rssItem($: CheerioAPI, item: Cheerio<Element>, feed: string, channelTitle: string): Item {
  const title = child(item, 'title')?.text().trim() ?? '';
  const html = child(item, 'content\\:encoded')?.text() ?? child(item, 'description')?.text() ?? '';
  const body = htmlToText(html);
  const link = child(item, 'link')?.text().trim() || null;
  const enclosures = item.children('enclosure[url]').toArray().map((el) => $(el).attr('url') ?? '');
  const guid = child(item, 'guid')?.text().trim() || item.attr('rdf:about') || null;
  const date = child(item, 'pubDate')?.text() ?? child(item, 'dc\\:date')?.text() ?? null;
  const author = child(item, 'dc\\:creator')?.text().trim() || child(item, 'author')?.text().trim() || channelTitle || null;
  return toItem({ feed, id: guid ?? link, title, body, link, extraLinks: enclosures, date, author });
}

function atomEntry($: CheerioAPI, entry: Cheerio<Element>, feed: string, feedTitle: string): Item {
  const title = atomText(child(entry, 'title'));
  const body = htmlToText(atomHtml(child(entry, 'content')) || atomHtml(child(entry, 'summary')));
  const links = entry.children('link[href]').toArray();
  const alternate = links.find((el) => ($(el).attr('rel') ?? 'alternate') === 'alternate');
  const link = alternate ? $(alternate).attr('href')! : null;
  const date = child(entry, 'published')?.text() ?? child(entry, 'updated')?.text() ?? null;
  const author = entry.children('author').children('name').first().text().trim() || feedTitle || null;
  // RFC 4685 (Atom threading): a comment feed's entry names the entry it answers by its atom:id.
  const inReplyTo = entry
    .children()
    .toArray()
    .find((el) => el.name === 'in-reply-to' || el.name.endsWith(':in-reply-to'));
  return toItem({
    feed,
    id: child(entry, 'id')?.text().trim() || link,
    title,
    body,
    link,
    extraLinks: links.map((el) => $(el).attr('href') ?? ''),
    date,
    author,
    inReplyTo: (inReplyTo && $(inReplyTo).attr('ref')?.trim()) || null,
  });
}

function child(parent: Cheerio<Element>, selector: string): Cheerio<Element> | null {
  const found = parent.children(selector).first();
  return found.length ? found : null;
}

/** Atom text constructs: `type="html"` is escaped HTML, `xhtml` is inline markup, anything else plain text. */
function atomHtml(element: Cheerio<AnyNode> | null): string {
  if (!element) return '';
  const type = element.attr('type') ?? 'text';
  if (type === 'xhtml') return element.html() ?? '';
  if (type === 'html' || type === 'text/html') return element.text();
  return escapeHtml(element.text());
}

function atomText(element: Cheerio<AnyNode> | null): string {
  return element ? htmlToText(atomHtml(element)).text : '';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function toItem(fields: {
  feed: string;
  id: string | null;
  title: string;
  body: { text: string; links: string[] };
  link: string | null;
  extraLinks: string[];
  date: string | null;
  author: string | null;
  /** The id of the item this one answers, as that item gives it. */
  inReplyTo?: string | null;
}): Item {
  const { feed, title, body, link, date } = fields;
  const text = [title, body.text].filter(Boolean).join('\n');
  const id = fields.id ?? `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  const parsed = date ? Date.parse(date.trim()) : Number.NaN;
  const links = [link, ...fields.extraLinks, ...body.links].filter((l): l is string => typeof l === 'string' && /^https?:/i.test(l));
  return {
    id,
    date: Number.isNaN(parsed) ? null : parsed,
    post: {
      source: 'rss',
      sourceId: sourceIdOf(feed, id),
      url: link,
      author: fields.author,
      createdAt: Number.isNaN(parsed) ? null : new Date(parsed).toISOString(),
      text,
      links: [...new Set(links)],
      ...(fields.inReplyTo ? { replyTo: sourceIdOf(feed, fields.inReplyTo) } : {}),
    },
  };
}

/** An id that is a URI (Atom ids, permalink guids) is unique everywhere; "42" is unique only within its feed. */
function sourceIdOf(feed: string, id: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(id) ? id : `${feed} ${id}`;
}
