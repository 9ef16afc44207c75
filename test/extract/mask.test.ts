/**
 * Masking by position: every secret the extractor finds is masked over its
 * span in the original text, whatever encoding it was written in, and the
 * masked text scans clean.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyse, extractRefs } from '../../src/extract/index.js';
import { MASK_CHAR, maskSecrets } from '../../src/extract/mask.js';
import { linkSecretPost, recoverable, writtenPasscodePost } from '../support/secret-posts.js';

/** The reproductions: each of these reached the database and the alert email in full. */
const LEAKED: [string, string[]][] = [
  ['join https://zoom.us/j/84512397266?pwd=%61bcDEF123xyzQ now', ['abcDEF123xyzQ']],
  ['join https://zoom.us/j/84512397266?pwd=abc&#68;EF123xyzQ now', ['abcDEF123xyzQ']],
  ['join https://zoom.us/j/84512397266?pwd=ａｂｃDEF123xyzQ now', ['abcDEF123xyzQ']],
  ['Meeting ID: 845 1239 7260 Passcode: ６６２８１０', ['662810']],
  ['Meeting ID: 845 1239 7260 Passcode: 66\u200b2810', ['662810']],
  ['Meeting ID: 845 1239 7260 Passcode: 66&#50;810', ['662810']],
  ['https://zoom.us/j/84512397266#pwd=SECRETpass99', ['SECRETpass99']],
  ['bio class https://zoom.us/j/84512397260?pwd=bWxGc0dVNzJrQ1hUdXl4OTRPbWZ0Zz09 passcode 662810', ['662810', 'bWxGc0dVNzJrQ1hUdXl4OTRPbWZ0Zz09']],
  ['Passcode 662816 — Meeting ID 845 1239 7306', ['662816']],
  ['https://teams.microsoft.com/meet/28840693829?p=hY7kQ2abcd\nPasscode: hY7kQ2', ['hY7kQ2abcd', 'hY7kQ2']],
  ['Meeting ID: 845 1239 7260 Passcode: 6628 26', ['662826']],
  ['host https://zoom.us/s/84512397260?z%61k=ZAKSECRET123', ['ZAKSECRET123']],
  ['host https://zoom.us/s/84512397260?%7Aak=ZAKSECRET123', ['ZAKSECRET123']],
  ['host https://zoom.us/s/84512397260#zak=ZAKSECRET123', ['ZAKSECRET123']],
  ['host https://zoom.us/s/84512397260?zak=ZAK&#x41;MP4', ['ZAKAMP4']],
  ['<a href="https://zoom.us/s/1234567890?a=b&amp;ZAK=secretvalue9">start</a>', ['secretvalue9']],
  ['register https://zoom.us/w/98765432101?tk=Reg1stRANTtoken.1', ['Reg1stRANTtoken.1']],
  ['https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fs%2F84512397260%3Fzak%3DeyJabcdefgh%26b%3D1', ['eyJabcdefgh']],
  ['https://www.google.com/url?q=https%253A%252F%252Fzoom.us%252Fj%252F84512397260%253Fpwd%253DdoubleWrapped9%2526x%253D1', ['doubleWrapped9']],
  ['Zoom: https://zoom.us/j/84512397260\nContraseña: 5x7Kp2', ['5x7Kp2']],
  ['https://meet.google.com/abc-mnop-xyz  PIN: 123 456 789#', ['123456789']],
  ['+16465588656,,84512397261#,,,,*662810# US (New York)', ['662810']],
  ['BlueJeans: https://bluejeans.com/729384516/8642', ['8642']],
  ['webinar https://global.gotowebinar.com/join/4821937560382719465/604918273', ['604918273']],
  ['open day https://app.venue.live/app/spring-open-day?token=Hq82nZk3Lw', ['Hq82nZk3Lw']],
  ['https://welink.zhumu.com/wc/join/150525986?wpk=wcpk5b53e1a07c', ['wcpk5b53e1a07c']],
  ['https://zoom.us/wc/join/84512397261?wpk=wcpk0f3a9c77e2b1', ['wcpk0f3a9c77e2b1']],
  ['https://salutejazz.ru/calls/abc123?psw=Xyz789Qw', ['Xyz789Qw']],
  ['https://riverside.fm/studio/acme-podcast?t=Gu3stT0ken9', ['Gu3stT0ken9']],
  ['https://acme.workplace.com/groupcall/729384?token=Wp7Call5ecret', ['Wp7Call5ecret']],
];

describe('maskSecrets', () => {
  it.each(LEAKED)('leaves no recoverable secret in %j', (text, secrets) => {
    const { text: masked, residual } = maskSecrets(text);
    expect(masked).toHaveLength(text.length);
    for (const secret of secrets) expect(recoverable(masked, secret), `${secret} in ${masked}`).toBe(false);
    expect(residual).toBe(0);
    // The evidence stays: the masked text still names the meeting.
    expect(extractRefs(masked).map((r) => r.meetingId)).toEqual(extractRefs(text).map((r) => r.meetingId));
  });

  it('keeps everything that is not a secret as it was', () => {
    const text = 'Maths at 9: https://westfield.zoom.us/j/84512397260?pwd=abcDEF123xyzQ&uname=Kid (Meeting ID: 845 1239 7260)';
    expect(maskSecrets(text).text).toBe(`Maths at 9: https://westfield.zoom.us/j/84512397260?pwd=${MASK_CHAR.repeat(13)}&uname=Kid (Meeting ID: 845 1239 7260)`);
    expect(maskSecrets('nothing secret: zakat=1 https://x.example/?zakx=2&p=5').text).toBe('nothing secret: zakat=1 https://x.example/?zakx=2&p=5');
    // `pwd` is a secret in any link; `p` only in a meeting link.
    expect(maskSecrets('https://blog.example/?p=123&pwd=hunter22').text).toBe(`https://blog.example/?p=123&pwd=${MASK_CHAR.repeat(8)}`);
  });

  it('reports each secret of a reference with its span in the original text', () => {
    const text = 'bio https://zoom.us/j/84512397260?pwd=%61bcDEF123xyzQ passcode 66&#50;810';
    const [ref] = analyse(text).refs;
    expect(ref).toMatchObject({ passcode: '662810', token: 'abcDEF123xyzQ' });
    expect(ref!.secrets.map((s) => text.slice(s.start, s.end))).toEqual(['%61bcDEF123xyzQ', '66&#50;810']);
  });

  it('masks a secret the first reading missed with the whole reference around it, and says so', () => {
    // As if the extractor had reported no secret: the second scan finds the passcode and masks its whole reference.
    const text = 'period 3 Meeting ID: 845 1239 7260 Passcode: 662810 thanks';
    const masked = maskSecrets(text, []);
    expect(masked.residual).toBe(1);
    expect(recoverable(masked.text, '662810')).toBe(false);
    expect(masked.text.startsWith('period 3 ')).toBe(true);
    expect(masked.text).toHaveLength(text.length);
    expect(masked.text).not.toContain('845');
  });

  it('property: a written passcode in any encoding and place leaves no recoverable copy', () => {
    fc.assert(
      fc.property(writtenPasscodePost, ({ text, secrets }) => {
        const { text: masked } = maskSecrets(text);
        for (const secret of secrets) if (recoverable(masked, secret)) throw new Error(`${secret} recoverable from ${JSON.stringify(masked)} (posted ${JSON.stringify(text)})`);
      }),
      { numRuns: 400 },
    );
  });

  it('property: a link token or host key in any encoding, query or fragment, wrapped or not, leaves no recoverable copy', () => {
    fc.assert(
      fc.property(linkSecretPost, ({ text, secrets }) => {
        const { text: masked } = maskSecrets(text);
        for (const secret of secrets) if (recoverable(masked, secret)) throw new Error(`${secret} recoverable from ${JSON.stringify(masked)} (posted ${JSON.stringify(text)})`);
      }),
      { numRuns: 400 },
    );
  });
});
