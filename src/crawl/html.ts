import { load } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { boundMarkup, MAX_ATTRIBUTES, MAX_DEPTH, MAX_TAGS } from './markup-bounds.js';

/**
 * Markup read of one post body, in UTF-16 code units (1 MiB of ASCII). Post
 * bodies are far shorter; a longer one is read up to here.
 */
export const MAX_HTML_LENGTH = 1024 * 1024;

/** Elements whose end starts a new line. */
const BLOCKS = new Set(['p', 'div', 'li', 'blockquote', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr']);

const LINK_SCHEMES = /^(https?|zoommtg|zoomus|msteams):/i;

/**
 * Visible text and every link of an HTML fragment (a post body). Links come
 * from `href`s because sites shorten them in the visible text (Mastodon's
 * ellipsis spans, 4chan's `<wbr>` breaks).
 *
 * Linear in the input up to {@link MAX_HTML_LENGTH} code units, and what
 * follows is not read; elements nested deeper than {@link MAX_DEPTH} levels,
 * and all markup after the first {@link MAX_TAGS} tags, are read as their
 * text only; attributes of a tag past its first {@link MAX_ATTRIBUTES} are
 * dropped (see `markup-bounds.ts`). That keeps any body under about 0.3 s on
 * a busy 2-core machine (the tests allow 1 s per MiB; unbounded, nested or
 * tag-dense markup took 5 to 170 s, or overflowed the stack). Never throws.
 */
export function htmlToText(html: string): { text: string; links: string[] } {
  if (!/[<&]/.test(html)) return { text: html, links: [] };
  // Opened, not closed: a closing `</body>` would end a body that ends inside an unfinished tag
  // or an unclosed `<textarea>` and read as part of it (`<a href=…</body>`).
  const $ = load(`<body>${boundMarkup(head(html))}`);
  const read = readNodes($('body').toArray());
  // Blanks before a line break go; so do blank lines beyond one. (The look-behind starts
  // each match at the first blank of a run, so a long run is read once, not once per blank.)
  const text = read.text.replace(/(?<![ \t])[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  return { text, links: read.links };
}

/**
 * The first {@link MAX_HTML_LENGTH} code units of `html`, without markup
 * or a character cut in two by the limit (a cut `</` would read as text).
 */
function head(html: string): string {
  if (html.length <= MAX_HTML_LENGTH) return html;
  let cut = MAX_HTML_LENGTH;
  const lastOpen = html.lastIndexOf('<', cut - 1);
  if (lastOpen >= 0 && html.lastIndexOf('>', cut - 1) < lastOpen && /[A-Za-z/!?]/.test(html.charAt(lastOpen + 1))) cut = lastOpen;
  const last = html.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return html.slice(0, cut);
}

interface Visit {
  node: AnyNode;
  /** The node's text counts (outside `<br>` and `<wbr>`, which stand for a line break and nothing). */
  visible: boolean;
  /** Set on the second visit of an element, after its children: the point where a block ends. */
  leaving: boolean;
}

/**
 * The text of `roots` as `textContent` gives it, with `<br>` read as a line
 * break, `<wbr>` as nothing and a line break after every block element; and
 * the `href` of every `<a>` whose scheme can carry a meeting, in document
 * order. One walk with an explicit stack: no recursion, however deep the tree.
 */
function readNodes(roots: readonly AnyNode[]): { text: string; links: string[] } {
  const parts: string[] = [];
  const links = new Set<string>();
  const stack: Visit[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ node: roots[i] as AnyNode, visible: true, leaving: false });
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    const { node, visible } = visit;
    if (node.type === 'text') {
      if (visible) parts.push(node.data);
      continue;
    }
    if (node.type === 'comment' || !('children' in node)) continue;
    const name = 'name' in node ? node.name : '';
    if (visit.leaving) {
      if (visible && BLOCKS.has(name)) parts.push('\n');
      continue;
    }
    const href = name === 'a' && 'attribs' in node ? node.attribs['href'] : undefined;
    if (href && LINK_SCHEMES.test(href)) links.add(href);
    const inside = visible && name !== 'br' && name !== 'wbr';
    if (visible && name === 'br') parts.push('\n');
    stack.push({ node, visible, leaving: true });
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i] as AnyNode, visible: inside, leaving: false });
  }
  return { text: parts.join(''), links: [...links] };
}
