/**
 * Bounds on what an HTML parser is given of a post body, applied before it
 * parses it.
 *
 * parse5 (cheerio's HTML parser) looks through its stack of open elements
 * for most tags, so markup nested N deep costs it O(N²), and the recursive
 * walks after it overflow the call stack near 4,000 levels. Posts are never
 * nested that deep, but a feed item or comment can be: 100,000 `<div>`s held
 * a crawl for minutes. Every tag costs it a few microseconds, so a body made
 * of nothing but tags is slow even when flat; and it compares each attribute
 * of a tag with the ones before it, so a tag with 80,000 took 25 s.
 *
 * {@link boundMarkup} reads the tags once, the way the HTML tokenizer splits
 * them, keeping its own stack of the elements they leave open. A start tag
 * that would open an element deeper than {@link MAX_DEPTH} is removed, with
 * the end tag that closes it, and so is all markup after the first
 * {@link MAX_TAGS} tags, and attributes of a tag past its first
 * {@link MAX_ATTRIBUTES}; the text stays where it is. The stack only ever
 * over-counts what the parser has open: an element leaves it when its own end
 * tag closes it while innermost, or when a close the parser makes in any
 * document implies its end (`<p>a<p>b`, `<li>a<li>b`, `</div>` after an
 * unclosed `<p>`). Anything it cannot tell (SVG, tables, `<x/>`, unclosed
 * inline elements) counts as still open, so a document is only ever
 * flattened sooner than needed, never parsed deeper.
 */

/** Deepest element nesting handed to the parser. Real posts stay below 30 levels. */
export const MAX_DEPTH = 256;

/** Tags (and comments) handed to the parser; a long blog post has a few thousand. */
export const MAX_TAGS = 16_384;

/** Attributes of one tag handed to the parser; real tags have a few, SVG ones a dozen or two. */
export const MAX_ATTRIBUTES = 256;

/** Elements HTML never gives children, in HTML and in SVG or MathML (where they end the foreign content). */
const VOID_EVERYWHERE = new Set(['br', 'embed', 'hr', 'img', 'meta']);

/** Void in HTML, but ordinary elements inside SVG or MathML, where they can nest. */
const VOID_IN_HTML = new Set(['area', 'base', 'basefont', 'bgsound', 'col', 'frame', 'input', 'keygen', 'link', 'param', 'source', 'track', 'wbr']);

/** Start tags the parser merges into the existing element instead of opening one. */
const MERGED = new Set(['html', 'head', 'body']);

/**
 * Elements that a start tag of the same group closes when one is innermost
 * (`<p>a<p>b`, `<li>a<li>b`, `<h2>` in `<h1>`), even inside SVG or MathML,
 * which these tags end.
 */
const CLOSED_BY_SIBLING: ReadonlyMap<string, string> = new Map([
  ['p', 'p'], ['li', 'li'], ['dd', 'dt'], ['dt', 'dt'], ['h1', 'h'], ['h2', 'h'], ['h3', 'h'], ['h4', 'h'], ['h5', 'h'], ['h6', 'h'],
]);

/** Elements whose end is implied by the end tag of an element around them. */
const IMPLIED_END = new Set(['p', 'li', 'dd', 'dt', 'option', 'optgroup', 'rb', 'rp', 'rt', 'rtc']);

/**
 * End tags that close their element through elements still open inside it
 * (whose ends are implied), like `</div>` after an unclosed `<p>`. Other end
 * tags (`</span>`) are ignored by the parser when a paragraph is open inside.
 */
const CLOSES_THROUGH = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'details', 'dialog', 'dir', 'div', 'dl', 'fieldset', 'figcaption',
  'figure', 'footer', 'header', 'hgroup', 'listing', 'main', 'menu', 'nav', 'ol', 'pre', 'search', 'section', 'summary', 'ul',
  'li', 'dd', 'dt', 'p',
]);

interface Tag {
  /** Lower-case name; '' for comments, doctypes and other markup that opens nothing. */
  name: string;
  closing: boolean;
  /** Index just past the tag, or -1 when it runs to the end of the text (the parser drops such a tag). */
  end: number;
  /** Where its attribute past the first {@link MAX_ATTRIBUTES} starts, or -1 when it has no more. */
  excess: number;
}

/** Where a tag's attributes end, and where the ones past the limit start (see {@link Tag}). */
interface Attributes {
  end: number;
  excess: number;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

/** Reads a tag name from `at`, lower-casing ASCII only, as the tokenizer does; returns it and where it ends. */
function readName(html: string, at: number): [string, number] {
  let j = at;
  for (let c = html.charCodeAt(j); j < html.length && !isBlank(c) && c !== 0x2f && c !== 0x3e; c = html.charCodeAt(++j));
  const name = html.slice(at, j);
  return [/[A-Z]/.test(name) ? name.replace(/[A-Z]+/g, (upper) => upper.toLowerCase()) : name, j];
}

/** Characters that end an attribute name. */
function endsName(c: number): boolean {
  return isBlank(c) || c === 0x2f || c === 0x3e || c === 0x3d;
}

/** Where the attributes starting at `at` end (past the `>`), reading quoted values as the tokenizer does. */
function readAttributes(html: string, at: number): Attributes {
  let j = at;
  let excess = -1;
  for (let count = 0; ; count++) {
    while (j < html.length && (isBlank(html.charCodeAt(j)) || html.charCodeAt(j) === 0x2f)) j++;
    if (j >= html.length) return { end: -1, excess };
    if (html.charCodeAt(j) === 0x3e) return { end: j + 1, excess };
    if (count === MAX_ATTRIBUTES) excess = j;
    j++; // the first character of a name may be anything, `=` included
    while (j < html.length && !endsName(html.charCodeAt(j))) j++;
    while (j < html.length && isBlank(html.charCodeAt(j))) j++;
    if (html.charCodeAt(j) !== 0x3d) continue;
    j++;
    while (j < html.length && isBlank(html.charCodeAt(j))) j++;
    const quote = html.charAt(j);
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, j + 1);
      if (close < 0) return { end: -1, excess };
      j = close + 1;
    } else {
      while (j < html.length && !isBlank(html.charCodeAt(j)) && html.charCodeAt(j) !== 0x3e) j++;
    }
  }
}

const COMMENT_END = /--!?>/g;

/** Index past a comment that starts at `at` (`<!--`), or -1 when it runs to the end. */
function endOfComment(html: string, at: number): number {
  if (html.startsWith('>', at + 4)) return at + 5; // `<!-->`
  if (html.startsWith('->', at + 4)) return at + 6; // `<!--->`
  COMMENT_END.lastIndex = at + 4;
  const m = COMMENT_END.exec(html);
  return m === null ? -1 : m.index + m[0].length;
}

/** Index past markup that ends at the next `>` (doctypes, `<?…>`, `</ …>`), or -1. */
function endOfBogus(html: string, at: number): number {
  const close = html.indexOf('>', at);
  return close < 0 ? -1 : close + 1;
}

/** The markup starting with the `<` at `at`, or null when that `<` is text. */
function readTag(html: string, at: number): Tag | null {
  const next = html.charCodeAt(at + 1);
  if (isAsciiLetter(next)) {
    const [name, after] = readName(html, at + 1);
    return { name, closing: false, ...readAttributes(html, after) };
  }
  if (next === 0x2f) {
    const third = html.charCodeAt(at + 2);
    if (isAsciiLetter(third)) {
      const [name, after] = readName(html, at + 2);
      return { name, closing: true, ...readAttributes(html, after) };
    }
    if (third === 0x3e) return { name: '', closing: true, end: at + 3, excess: -1 };
    return at + 2 >= html.length ? null : { name: '', closing: true, end: endOfBogus(html, at + 2), excess: -1 };
  }
  if (next === 0x21) return { name: '', closing: false, end: html.startsWith('--', at + 2) ? endOfComment(html, at) : endOfBogus(html, at + 2), excess: -1 };
  if (next === 0x3f) return { name: '', closing: false, end: endOfBogus(html, at + 2), excess: -1 };
  return null;
}

/** The elements the parser may have open, innermost last; see the module comment. */
class OpenElements {
  readonly #open: string[] = [];
  /** Start tags removed for being too deep, by name, whose end tags are still to come. */
  readonly #removed = new Map<string, number>();
  /**
   * An `<svg>` or `<math>` has been seen: from then on, elements void in HTML
   * count as opening one (where foreign content ends takes the parser's state).
   */
  #foreign = false;

  /** Whether the start tag `name` stays in the markup. */
  start(name: string): boolean {
    if (name === 'svg' || name === 'math') this.#foreign = true;
    if (VOID_EVERYWHERE.has(name) || MERGED.has(name) || (VOID_IN_HTML.has(name) && !this.#foreign)) return true;
    const group = CLOSED_BY_SIBLING.get(name);
    const innermost = this.#open[this.#open.length - 1];
    if (group !== undefined && innermost !== undefined && CLOSED_BY_SIBLING.get(innermost) === group) {
      this.#open[this.#open.length - 1] = name;
      return true;
    }
    if (this.#open.length >= MAX_DEPTH) {
      this.#removed.set(name, (this.#removed.get(name) ?? 0) + 1);
      return false;
    }
    this.#open.push(name);
    return true;
  }

  /** Whether the end tag `name` stays in the markup. */
  end(name: string): boolean {
    const removed = this.#removed.get(name) ?? 0;
    if (removed > 0) {
      this.#removed.set(name, removed - 1);
      return false;
    }
    const open = this.#open;
    for (let k = open.length - 1; k >= 0; k--) {
      if (open[k] === name) {
        open.length = k;
        break;
      }
      if (!CLOSES_THROUGH.has(name) || !IMPLIED_END.has(open[k] ?? '')) break;
    }
    return true;
  }
}

/**
 * `html` without the tags that would nest elements deeper than
 * {@link MAX_DEPTH} levels, without any markup after the first
 * {@link MAX_TAGS} tags (the text of both kept in place), and without the
 * attributes of a tag past its first {@link MAX_ATTRIBUTES}; in one pass
 * over its tags, so linear in its length. Other markup comes back as it was.
 */
export function boundMarkup(html: string): string {
  const open = new OpenElements();
  const kept: string[] = [];
  let copied = 0;
  let tags = 0;
  for (let at = html.indexOf('<'); at >= 0; at = html.indexOf('<', at)) {
    const tag = readTag(html, at);
    if (tag === null) {
      at++;
      continue;
    }
    if (tag.end < 0) {
      // An unfinished tag runs to the end; the parser drops it, but only after reading all of
      // its attributes, so those past the limit go now.
      if (tag.excess >= 0) {
        kept.push(html.slice(copied, tag.excess));
        copied = html.length;
      }
      break;
    }
    tags++;
    if (tags > MAX_TAGS || (tag.name !== '' && !(tag.closing ? open.end(tag.name) : open.start(tag.name)))) {
      kept.push(html.slice(copied, at));
      copied = tag.end;
    } else if (tag.excess >= 0) {
      kept.push(html.slice(copied, tag.excess), '>');
      copied = tag.end;
    }
    at = tag.end;
  }
  if (copied === 0) return html;
  kept.push(html.slice(copied));
  return kept.join('');
}
