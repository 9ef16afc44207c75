import { createHash } from 'node:crypto';
import { HeadlessBrowser } from '../src/crawl/browser.js';
import type { CrawlPage, Crawler, Post } from '../src/crawl/crawler.js';

/** The link schemes a meeting reference can use (as `htmlToText` keeps them). */
const LINK = /^(https?|zoommtg|zoomus|msteams):/i;

/**
 * Pages that need JavaScript to show their posts (`sources.webpage.pages`),
 * rendered in the system Chromium. A page is one post per distinct text: its
 * id is the URL plus a hash of the rendered text, and the scope's cursor is
 * that hash, so an unchanged page yields nothing and a changed one is stored
 * again.
 *
 * Each page is first fetched with the shared HTTP client. That one GET puts
 * the page under what the client enforces and the browser does not:
 * robots.txt (Disallow and Crawl-delay) for leakwatch's user agent, the
 * host's rate, 429/Retry-After and 5xx retries. Only a page the client may
 * fetch is rendered. It costs one extra request per page, which these few,
 * rarely crawled pages can afford. Everything Chromium then requests (the
 * page again, its resources, its redirects) goes through the same URL guard
 * with the same `http` settings, in the browser helper's route; robots.txt
 * and the rate apply to the page, not to its images and scripts, as for any
 * browser.
 */
export const webpage: Crawler<'webpage'> = {
  name: 'webpage',
  async *crawl({ config, http, cursor, minIntervalMs, signal, log }) {
    const browser = new HeadlessBrowser({ userAgent: http.userAgent, ...http.guard, timeoutMs: http.timeoutMs, maxResponseBytes: http.maxResponseBytes, maxRedirects: http.maxRedirects });
    let failure: unknown = null;
    try {
      for (const pageUrl of config.pages) {
        try {
          const page = await crawlPage(pageUrl);
          if (page) yield page;
        } catch (error) {
          if (signal.aborted) throw error;
          failure ??= error;
          log.warn({ err: error, page: pageUrl }, 'page failed; crawling the other pages');
        }
      }
    } finally {
      await browser.close();
    }
    if (failure) throw failure;

    async function crawlPage(pageUrl: string): Promise<CrawlPage | null> {
      const scope = `page:${pageUrl}`;
      // Not conditional: a script-rendered page can change while its HTML does not.
      const probe = await http.get(pageUrl, { signal, minIntervalMs, conditional: false, headers: { accept: 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5' } });
      const type = probe.headers['content-type'];
      if (type && !/html|xml|text\//i.test(type)) {
        log.info({ page: pageUrl, type }, 'not a web page; skipped');
        return null;
      }
      const rendered = await browser.render(pageUrl, { signal });
      const hash = createHash('sha256').update(rendered.text).digest('hex').slice(0, 32);
      if (cursor(scope) === hash) return null;
      const post: Post = {
        source: 'webpage',
        sourceId: `${pageUrl} ${hash}`,
        url: pageUrl,
        author: null,
        createdAt: null,
        text: rendered.text,
        links: rendered.links.filter((link) => LINK.test(link)),
      };
      return { scope, posts: [post], cursor: hash };
    }
  },
};
