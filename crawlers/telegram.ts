import { load, type CheerioAPI } from 'cheerio';
import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { htmlToText } from '../src/crawl/html.js';
import { Walk } from '../src/crawl/walk.js';

/** Pages of about 20 messages one channel may walk back per run. */
const MAX_PAGES = 10;

/**
 * Public Telegram channels through their web preview (`t.me/s/<channel>`):
 * the newest messages, then older pages with `?before=<id>`, walked with the
 * shared resume rule ({@link Walk}): marks are message ids, which number a
 * channel's messages in order (so there is no overlap, and a gap's size is
 * counted in messages), and a walk cut short goes on before the oldest id it
 * read. The page is
 * undocumented HTML, so a page without message markup is reported as a
 * markup change rather than read as an empty channel. A reply links to the
 * message it quotes (`tgme_widget_message_reply`).
 */
export const telegram: Crawler<'telegram'> = {
  name: 'telegram',
  async *crawl({ config, http, cursor, minIntervalMs, signal, log }) {
    let failure: unknown = null;
    for (const channel of config.channels) {
      try {
        yield* crawlChannel(channel);
      } catch (error) {
        if (signal.aborted) throw error;
        failure ??= error;
        log.warn({ err: error, channel }, 'channel failed; crawling the other channels');
      }
    }
    if (failure) throw failure;

    async function* crawlChannel(channel: string): AsyncGenerator<CrawlPage> {
      const scope = `channel:${channel}`;
      const walk = new Walk<Message>({
        scope,
        stored: cursor(scope),
        maxPages: MAX_PAGES,
        overlapMs: 0,
        mark: (message) => ({ at: null, id: String(message.id) }),
        // Before walk cursors: the newest message id read.
        legacy: (stored) => (/^\d+$/.test(stored) ? { at: null, id: stored } : null),
        between: (after, before) => Number(before.id) - Number(after.id) - 1,
        log,
      });
      for (let request = walk.request(); request !== null; request = walk.request()) {
        const url = new URL(`/s/${encodeURIComponent(channel)}`, config.baseUrl);
        if (request.below !== null) url.searchParams.set('before', request.below.id);
        // The same URL answers differently as the channel grows; t.me sends no validators anyway.
        const response = await http.get(url.href, { signal, minIntervalMs, conditional: false });
        if (!new URL(response.url).pathname.startsWith('/s/')) {
          throw new BlockedError(`telegram: channel "${channel}" has no public web preview (${url.href} redirected to ${response.url})`);
        }
        const { messages, more } = readPage(load(response.text()), url, channel, request.below === null);
        const page = walk.read(messages, { more: more && messages.length > 0 });
        yield { scope, posts: page.items.map((message) => message.post), cursor: page.cursor } satisfies CrawlPage;
      }
    }
  },
};

interface Message {
  id: number;
  post: Post;
}

function readPage($: CheerioAPI, url: URL, channel: string, newestPage: boolean): { messages: Message[]; more: boolean } {
  const elements = $('.tgme_widget_message[data-post]').toArray();
  // A public channel's newest page always has messages; none means the markup changed under us.
  if (elements.length === 0 && newestPage) {
    throw new ParseError(`${url.host}: ${url.pathname} has no .tgme_widget_message[data-post] elements; t.me's markup has probably changed`);
  }
  const messages = elements.map((element) => {
    const message = $(element);
    const dataPost = message.attr('data-post') ?? '';
    const match = /^([^/]+)\/(\d+)$/.exec(dataPost);
    if (!match) throw new ParseError(`${url.host}: a message on ${url.pathname} has data-post="${dataPost}", not "<channel>/<id>"`);
    // The quoted message of a reply is also a .tgme_widget_message_text; it is not this message's text.
    const textElement = message.find('.tgme_widget_message_text').filter((_, el) => $(el).closest('.tgme_widget_message_reply').length === 0).first();
    const body = htmlToText(textElement.html() ?? '');
    const extraLinks = message
      .find('a.tgme_widget_message_link_preview[href], a.tgme_widget_message_inline_button[href]')
      .toArray()
      .map((a) => $(a).attr('href') ?? '')
      .filter((href) => /^https?:/i.test(href));
    const date = message.find('.tgme_widget_message_date time[datetime]').attr('datetime') ?? message.find('time[datetime]').attr('datetime');
    const repliedTo = replyTarget(message.find('a.tgme_widget_message_reply[href]').first().attr('href'), match[1]!);
    const permalink = message.find('a.tgme_widget_message_date[href]').attr('href');
    return {
      id: Number(match[2]),
      post: {
        source: 'telegram',
        sourceId: dataPost,
        url: new URL(permalink ?? `/${dataPost}`, 'https://t.me').href,
        author: channel,
        createdAt: date && !Number.isNaN(Date.parse(date)) ? new Date(date).toISOString() : null,
        text: body.text,
        links: [...new Set([...body.links, ...extraLinks])],
        ...(repliedTo ? { replyTo: repliedTo } : {}),
      } satisfies Post,
    };
  });
  return { messages, more: $('.tme_messages_more[data-before]').length > 0 };
}

/**
 * The message a reply quotes, in the `data-post` form of sourceIds: its
 * `a.tgme_widget_message_reply` links to `https://t.me/<channel>/<id>`. The
 * channel is spelled as this page spells it when it is this channel.
 */
function replyTarget(href: string | undefined, channel: string): string | null {
  if (!href) return null;
  let path: string;
  try {
    path = new URL(href, 'https://t.me').pathname;
  } catch {
    return null;
  }
  const match = /^\/(?:s\/)?([A-Za-z0-9_]+)\/(\d+)\/?$/.exec(path);
  if (!match) return null;
  return `${match[1]!.toLowerCase() === channel.toLowerCase() ? channel : match[1]}/${match[2]}`;
}
