/**
 * `htmlToText`: the text and links of post bodies, as the crawlers read them.
 */
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/crawl/html.js';

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

  it('ends the body where the post ends, even inside an unfinished tag', () => {
    expect(htmlToText('see <a href="https://zoom.us/j/84512397261">this</a> <a href=https://zoom.us/j/1')).toEqual({
      text: 'see this',
      links: ['https://zoom.us/j/84512397261'],
    });
    expect(htmlToText('<textarea>notes').text).toBe('notes');
  });
});
