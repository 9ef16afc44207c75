/**
 * `htmlToText`: the text and links of post bodies, the same as the crawlers
 * have always read them, and bounded work on any markup: never a throw, at
 * most 1 s per MiB (best of three calls; unbounded, quadratic markup took 2
 * to 170 s per MiB, and nesting past 4,000 levels threw), and the parser
 * never handed a tree much deeper than MAX_DEPTH.
 */
import { load } from 'cheerio';
import type { AnyNode } from 'domhandler';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { htmlToText, MAX_HTML_LENGTH } from '../../src/crawl/html.js';
import { boundMarkup, MAX_ATTRIBUTES, MAX_DEPTH, MAX_TAGS } from '../../src/crawl/markup-bounds.js';
import { fastest } from '../support/timing.js';

const BUDGET_MS_PER_MIB = 1000;

function budgetFor(html: string): number {
  return BUDGET_MS_PER_MIB * Math.max(1, Math.min(html.length, MAX_HTML_LENGTH) / MAX_HTML_LENGTH);
}

function withinBudget(html: string): { text: string; links: string[] } {
  const budget = budgetFor(html);
  const { result, ms } = fastest(() => htmlToText(html), budget, 3);
  expect(ms, `${ms.toFixed(0)} ms for ${html.length} characters`).toBeLessThan(budget);
  return result;
}

/**
 * How `htmlToText` read bodies before it was bounded, the reference for
 * markup within the bounds; parsed as it is now, without the `</body>` it
 * used to close the body with (which became part of an unfinished last tag).
 */
function reference(html: string): { text: string; links: string[] } {
  if (!/[<&]/.test(html)) return { text: html, links: [] };
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

/** Depth of the tree the parser builds from `html` (iteratively: the tree may be deep). */
function parsedDepth(html: string): number {
  const $ = load(`<body>${html}`);
  let deepest = 0;
  const stack: [AnyNode, number][] = $('body').toArray().map((n) => [n, 0]);
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    deepest = Math.max(deepest, depth);
    if ('children' in node) for (const child of node.children) stack.push([child, depth + 1]);
  }
  return deepest;
}

const rep = (piece: string, length: number) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length);
const MIB = 1024 * 1024;

beforeAll(() => {
  // Warm the JIT, so that measured calls are not cold ones.
  for (let i = 0; i < 30; i++) htmlToText('<p>a <a href="https://zoom.us/j/1">x</a><br>b<wbr>c</p><div><ul><li>d</li></ul></div>'.repeat(50));
});

describe('post bodies', () => {
  it('reads text, line breaks and links as before', () => {
    expect(htmlToText('<p>Join <a href="https://zoom.us/j/84512397261">here</a></p><p>Passcode: 1<br>2</p>')).toEqual({
      text: 'Join here\nPasscode: 1\n2',
      links: ['https://zoom.us/j/84512397261'],
    });
    expect(htmlToText('https://zoom.us/j/845<wbr>12397261 &amp; <b>more</b>')).toEqual({ text: 'https://zoom.us/j/84512397261 & more', links: [] });
    expect(htmlToText('<a href="javascript:x">a</a><a href="msteams:/l/meetup-join/x">b</a><a href="ZOOMMTG://zoom.us/join">c</a>').links)
      .toEqual(['msteams:/l/meetup-join/x', 'ZOOMMTG://zoom.us/join']);
    expect(htmlToText('plain text, no markup  \n\n\n')).toEqual({ text: 'plain text, no markup  \n\n\n', links: [] });
  });

  it('keeps text inside markup nested too deep, and links above it', () => {
    const deep = `<a href="https://zoom.us/j/84512397261">top</a>${'<div>'.repeat(MAX_DEPTH + 50)}deep text${'</div>'.repeat(MAX_DEPTH + 50)} after`;
    const { text, links } = htmlToText(deep);
    expect(text).toMatch(/^top\s*deep text\s+after$/);
    expect(links).toEqual(['https://zoom.us/j/84512397261']);
  });

  it('ends the body where the post ends, even inside an unfinished tag', () => {
    expect(htmlToText('see <a href="https://zoom.us/j/84512397261">this</a> <a href=https://zoom.us/j/1')).toEqual({
      text: 'see this',
      links: ['https://zoom.us/j/84512397261'],
    });
    expect(htmlToText('<textarea>notes').text).toBe('notes');
  });

  it('reads only the first MAX_HTML_LENGTH characters', () => {
    const { text } = htmlToText(`<p>${'a'.repeat(MAX_HTML_LENGTH)}</p><p>beyond</p>`);
    expect(text.length).toBeLessThan(MAX_HTML_LENGTH);
    expect(text).not.toContain('beyond');
  });
});

describe('slow markup (each took seconds or threw before)', () => {
  it('20,000 nested <div>s', () => {
    expect(withinBudget(`${'<div>'.repeat(20_000)}x${'</div>'.repeat(20_000)}`).text).toBe('x');
  });

  it('8,000 nested <div>s, which overflowed the stack', () => {
    expect(() => htmlToText(`${'<div>'.repeat(8_000)}x`)).not.toThrow();
  });

  it('100,000 nested <div>s', () => {
    expect(withinBudget(`${'<div>'.repeat(100_000)}x${'</div>'.repeat(100_000)}`).text).toBe('x');
  });

  it('1 MiB of <br> and of <wbr>', () => {
    withinBudget(rep('<br>', MIB));
    withinBudget(rep('a<wbr>', MIB));
  });

  it('1 MiB of unclosed <p> and <li>', () => {
    withinBudget(rep('<p>x', MIB));
    withinBudget(rep('<li>x', MIB));
  });

  it('1 MiB of tags foster-parented out of a table', () => {
    withinBudget(`<table>${rep('x<i></i>', MIB)}`);
  });

  it('a tag with 80,000 attributes', () => {
    const attributes = Array.from({ length: 80_000 }, (_, i) => `a${i}=1`).join(' ');
    expect(withinBudget(`<a href="https://zoom.us/j/84512397261" ${attributes}>x</a>`)).toEqual({ text: 'x', links: ['https://zoom.us/j/84512397261'] });
  });
});

/** Markup as sites write it: balanced, shallow, with the elements posts use. */
const TEXT = fc.constantFrom('hello', ' ', '  ', '\n', '\t', 'Meeting ID: 845 1239 7261', 'https://zoom.us/j/845', '&amp;', '&lt;b&gt;', '&#46;', '\u00a0', 'é', '😀', '  \n  ');
const HREF = fc.constantFrom('https://zoom.us/j/84512397261', 'http://example.com/a?b=1&amp;c=2', 'zoommtg://zoom.us/join?confno=1', 'msteams:/l/x', 'mailto:a@b', '/relative', '');
const ELEMENTS = ['p', 'div', 'span', 'b', 'i', 'em', 'strong', 'code', 'pre', 'blockquote', 'li', 'ul', 'ol', 'h1', 'h3', 'h6', 'table', 'tr', 'td', 'small', 'u', 's'];

const balanced: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    TEXT,
    fc.constantFrom('<br>', '<br/>', '<wbr>', '<img src="x.png" alt="a">', '<hr>', '<!-- a comment -->'),
    fc.tuple(HREF, fc.array(tie('node'), { maxLength: 3 })).map(([href, inner]) => `<a href="${href}">${inner.join('')}</a>`),
    fc.tuple(fc.constantFrom(...ELEMENTS), fc.array(tie('node'), { maxLength: 4 })).map(([name, inner]) => `<${name}>${inner.join('')}</${name}>`),
  ),
})).node;

/** Markup as people and broken sites write it: tags opened and closed in any order, unfinished ones. */
const TOKENS = [
  '<p>', '</p>', '<div>', '</div>', '<span>', '</span>', '<b>', '</b>', '<i>', '</i>', '<a href="https://zoom.us/j/84512397261">', '<a href=https://zoom.us/j/1>',
  '</a>', '<li>', '</li>', '<ul>', '</ul>', '<br>', '</br>', '<wbr>', '<table>', '</table>', '<tr>', '<td>', '</td>', '<svg>', '</svg>', '<path/>',
  '<math>', '<mi>', '<div/>', '<pre>', '</pre>', '<h2>', '<h1>', '</h1>', '<dd>', '<dt>', '<option>', '<select>', '<template>', '</template>',
  '<script>', '</script>', '<style>', '</style>', '<textarea>', '</textarea>', '<title>', '</title>', '<!--', '-->', '<!doctype html>', '<?x?>',
  '</ x>', '</>', '<', '>', '"', "'", '=', '<a title="a>b">', "<b class='x' id=y>", 'text', ' ', '\n', '&amp;', '&', '<body>', '<html>', '<p/>',
  '<font color=red>', '<nobr>', '<button>', '<form>', '<object>', '<caption>', '<colgroup>', '<col>', '<input>', '<link>', '<foreignObject>',
];
const sloppy = fc.array(fc.constantFrom(...TOKENS), { maxLength: 120 }).map((parts) => parts.join(''));

describe('markup within the bounds', () => {
  it('comes back from boundMarkup unchanged', () => {
    fc.assert(fc.property(fc.oneof(balanced, sloppy), (html) => {
      expect(boundMarkup(html)).toBe(html);
    }), { numRuns: 2000 });
  });

  it('reads the same text and links as before', () => {
    fc.assert(fc.property(fc.oneof(balanced, sloppy), (html) => {
      expect(htmlToText(html)).toEqual(reference(html));
    }), { numRuns: 1000 });
  });
});

/** Pieces that stress the parser when repeated: nesting, misnesting, foster parenting, unfinished markup. */
const PIECES = [
  ...TOKENS, '<div><b>', '<b><p>x</b>', '<span><div></span></div>', '<h1><option><h2><option>', '<table>x<i></i>', '<table><tr><td>',
  '<ul><li>', '<svg><foreignObject></svg></foreignObject>', '<a href="https://zoom.us/j/84512397261"><div>x</a>', '<ruby><rt>', '<rt>',
  '<marquee><b>', '<!---->', '<!-->', '<x y="', 'x<br>y<wbr>z', ' \t', '\n\n\n',
];

const repeated = fc
  .tuple(fc.constantFrom(...PIECES), fc.integer({ min: 1, max: MIB }))
  .map(([piece, n]) => rep(piece, n));

const mixed = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 100_000, size: 'max' }).map((parts) => parts.join('').slice(0, MIB));

const nested = fc
  .tuple(fc.constantFrom('div', 'b', 'span', 'ul', 'table', 'svg', 'a', 'p', 'li', 'blockquote', 'font'), fc.integer({ min: 1, max: 100_000 }), fc.boolean())
  .map(([name, depth, closed]) => `${`<${name}>`.repeat(depth)}<a href="https://zoom.us/j/84512397261">x</a>${closed ? `</${name}>`.repeat(depth) : ''}`);

/** Tags with many attributes, each name new. */
const attributes = fc
  .tuple(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 20 }))
  .map(([count, tags]) => {
    const names = Array.from({ length: Math.ceil(count / tags) }, (_, i) => `d${i}="v"`).join(' ');
    return `<p ${names}>x</p>`.repeat(tags).slice(0, MIB);
  });

/** Real links and text inside adversarial markup, near and far from it. */
const around = fc
  .tuple(fc.oneof(repeated, nested), balanced, fc.oneof(repeated, nested))
  .map(([before, post, after]) => `${before.slice(0, MIB / 3)}${post}${after.slice(0, MIB / 3)}`);

describe('any markup', () => {
  for (const [name, arb, runs] of [
    ['one piece repeated up to 1 MiB', repeated, 60],
    ['pieces mixed up to 1 MiB', mixed, 20],
    ['nesting up to 100,000 levels', nested, 30],
    ['tags with up to 100,000 attributes', attributes, 20],
    ['posts inside either', around, 20],
    ['random text', fc.string({ unit: 'binary', maxLength: 100_000 }), 30],
  ] as const) {
    it(`${name}: never throws and takes under ${BUDGET_MS_PER_MIB} ms per MiB`, () => {
      fc.assert(
        fc.property(arb, (html) => {
          const { text, links } = withinBudget(html);
          expect(typeof text).toBe('string');
          for (const link of links) expect(html.replaceAll('&amp;', '&')).toContain(link);
        }),
        // No shrinking: shrinking a 1 MiB counterexample re-runs the property for minutes.
        { numRuns: runs, endOnFailure: true },
      );
    });
  }

  it('is never parsed much deeper than MAX_DEPTH', () => {
    fc.assert(
      fc.property(fc.oneof(nested, mixed.map((s) => s.slice(0, 200_000)), repeated.map((s) => s.slice(0, 200_000))), (html) => {
        expect(parsedDepth(boundMarkup(html))).toBeLessThanOrEqual(2 * MAX_DEPTH + 8);
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });

  it('hands the parser at most MAX_TAGS tags, each with at most MAX_ATTRIBUTES attributes', () => {
    expect(boundMarkup(rep('<i>x</i>', MIB)).split('<').length - 1).toBe(MAX_TAGS);
    const many = `<a ${Array.from({ length: 1_000 }, (_, i) => `a${i}="${i}"`).join(' ')}/>`;
    expect(boundMarkup(many)).toBe(`<a ${Array.from({ length: MAX_ATTRIBUTES }, (_, i) => `a${i}="${i}"`).join(' ')} >`);
  });
});
