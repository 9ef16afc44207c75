import { load } from 'cheerio';

/**
 * Visible text and every link of an HTML fragment (a post body). Links come
 * from `href`s because sites shorten them in the visible text (Mastodon's
 * ellipsis spans, 4chan's `<wbr>` breaks).
 */
export function htmlToText(html: string): { text: string; links: string[] } {
  if (!/[<&]/.test(html)) return { text: html, links: [] };
  // Opened, not closed: a closing `</body>` would end a body that ends inside an unfinished tag
  // or an unclosed `<textarea>` and read as part of it (`<a href=…</body>`).
  const $ = load(`<body>${html}`);
  const links = new Set<string>();
  $('a[href]').each((_, element) => {
    const href = $(element).attr('href');
    if (href && /^(https?|zoommtg|zoomus|msteams):/i.test(href)) links.add(href);
  });
  $('wbr').replaceWith('');
  $('br').replaceWith('\n');
  $('p, div, li, blockquote, pre, h1, h2, h3, h4, h5, h6, tr').each((_, element) => {
    $(element).append('\n');
  });
  const text = $('body').text().replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  return { text, links: [...links] };
}
