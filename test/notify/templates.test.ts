import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/notify/html.js';
import { reportSteps, rotationSteps } from '../../src/notify/rotation.js';
import { maskMeetingId, platformName, renderAlertEmail, renderDigestEmail, sourceName } from '../../src/notify/templates.js';
import type { AlertEmailInput, DigestEmailInput, LeakLinks, LeakView, RecipientLinks, RenderedEmail, SightingView } from '../../src/notify/view.js';

const LINKS: LeakLinks & RecipientLinks = {
  resolve: 'https://leakwatch.example/l/resolve?t=r1&leak=7',
  acknowledge: 'https://leakwatch.example/l/ack?t=a1&leak=7',
  ignore: 'https://leakwatch.example/l/ignore?t=i1&leak=7',
  manage: 'https://leakwatch.example/me?t=m1&org=1',
  unsubscribe: 'https://leakwatch.example/unsubscribe?t=u1&org=1',
};

function sighting(overrides: Partial<SightingView> = {}): SightingView {
  return {
    source: 'reddit',
    postUrl: 'https://www.reddit.com/r/test/comments/abc123/',
    author: 'u/someone',
    postedAt: '2026-11-28T14:05:00Z',
    seenAt: '2026-11-28T14:07:30Z',
    excerpt: 'maths class today: Meeting ID: 845 1239 7261',
    link: null,
    passcodeMasked: null,
    hostStart: false,
    raidLanguage: false,
    ...overrides,
  };
}

function leak(overrides: Partial<LeakView> = {}): LeakView {
  const sightings = overrides.sightings ?? [sighting()];
  return {
    id: 7,
    orgId: 1,
    orgName: 'Westfield High',
    platform: 'zoom',
    meetingId: '84512397261',
    meetingTitle: 'Year 9 Maths',
    recurring: false,
    matchKind: 'meeting',
    severity: 'medium',
    reasons: ['matches the registered meeting "Year 9 Maths"'],
    status: 'notified',
    passcodeState: null,
    firstSeen: '2026-11-28T14:07:30Z',
    lastSeen: '2026-11-28T14:07:30Z',
    totalSightings: sightings.length,
    hostStart: false,
    raidLanguage: false,
    ...overrides,
    sightings,
  };
}

function alert(leakOverrides: Partial<LeakView> = {}, overrides: Partial<AlertEmailInput> = {}): RenderedEmail {
  return renderAlertEmail({ kind: 'alert', role: 'organiser', recipient: 'teacher@westfield.example', leak: leak(leakOverrides), links: LINKS, ...overrides });
}

/** Every href in the HTML, as written (still escaped). */
function hrefs(html: string): string[] {
  return [...html.matchAll(/\shref\s*=\s*"([^"]*)"/gi)].map((m) => m[1] ?? '');
}

/** The text between tags, entities decoded: what a reader of the HTML part sees. */
function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/i, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** Asserts that `parts` occur in `text` in this order. */
function expectInOrder(text: string, parts: readonly string[]): void {
  let at = -1;
  for (const part of parts) {
    const next = text.indexOf(part, at + 1);
    expect(next, `"${part}" after position ${at}`).toBeGreaterThan(at);
    at = next;
  }
}

describe('maskMeetingId', () => {
  it.each([
    ['84512397261', '845•••••261'],
    ['8451239726', '845••••726'],
    ['845123972', '845•••972'],
    ['845 1239 7261', '845 •••• •261'],
    ['abc-defg-hij', 'abc-••••-hij'],
    ['Year9Maths', 'Yea••••ths'],
    ['12345678', '1••••••8'],
    ['maths', 'm•••s'],
    ['abc', 'a•c'],
    ['ab', '••'],
    ['a', '•'],
    ['', ''],
  ])('%j → %j', (id, masked) => {
    expect(maskMeetingId(id)).toBe(masked);
  });

  it('shortens long ids to six bullets in the middle', () => {
    const masked = maskMeetingId('19:meeting_NjQ4YjExZmEtN2Q3Ny00OTk0LWJlYjMtNjQ2ZjlmZmJjNzNm@thread.v2');
    expect(masked).toBe('19:m••••••d.v2');
    expect(maskMeetingId('westfield-year9-maths-room-2026-spring')).toBe('wes••••••ing');
  });

  it('removes line breaks and control characters', () => {
    expect(maskMeetingId('845\r\n12397261')).toBe('845 •••••261');
    expect(maskMeetingId('abc-defg-hij\nBcc: x@y')).not.toMatch(/[\r\n]/);
  });

  it('keeps the first and last three digits of every 9 to 11 digit Zoom id and masks the rest', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{9,11}$/), (id) => {
        expect(maskMeetingId(id)).toBe(`${id.slice(0, 3)}${'•'.repeat(id.length - 6)}${id.slice(-3)}`);
      }),
    );
  });

  it('shows at most six characters of any id, always masks something, and keeps its ends', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{1,60}$/), (id) => {
        const masked = maskMeetingId(id);
        const shown = Array.from(masked).filter((c) => c !== '•');
        const keep = id.length >= 9 ? 3 : id.length >= 3 ? 1 : 0;
        expect(shown.length).toBe(2 * keep);
        expect(masked).toContain('•');
        expect(masked.startsWith(id.slice(0, keep))).toBe(true);
        expect(masked.endsWith(keep === 0 ? '' : id.slice(-keep))).toBe(true);
      }),
    );
  });
});

describe('alert subject', () => {
  it('names the severity, the platform, the title and the source', () => {
    const email = alert({ severity: 'critical', sightings: [sighting({ source: 'fourchan' })] });
    expect(email.subject).toBe('[leakwatch] CRITICAL: your Zoom meeting "Year 9 Maths" was posted on 4chan');
  });

  it('uses the masked id when the meeting has no title', () => {
    const email = alert({ platform: 'google-meet', meetingId: 'abc-defg-hij', meetingTitle: null, severity: 'medium' });
    expect(email.subject).toBe('[leakwatch] Your Google Meet meeting abc-••••-hij was posted on Reddit');
  });

  it('names high severity, and not medium or low', () => {
    expect(alert({ severity: 'high' }).subject).toBe('[leakwatch] HIGH: your Zoom meeting "Year 9 Maths" was posted on Reddit');
    expect(alert({ severity: 'low' }).subject).toBe('[leakwatch] Your Zoom meeting "Year 9 Maths" was posted on Reddit');
  });

  it.each([
    ['zoom', '84512397261', 'Zoom meeting 845•••••261'],
    ['google-meet', 'abc-defg-hij', 'Google Meet meeting abc-••••-hij'],
    ['teams', '19:meeting_NjQ4YjExZmEtN2Q3Ny00@thread.v2', 'Microsoft Teams meeting 19:m••••••d.v2'],
    ['webex', '25381234567', 'Webex meeting 253•••••567'],
    ['goto', '123456789', 'GoTo Meeting 123•••789'],
    ['jitsi', 'WestfieldMathsRoom', 'Jitsi Meet meeting Wes••••••••••••oom'],
    ['jitsi', 'WestfieldMathsRoom2026', 'Jitsi Meet meeting Wes••••••026'],
    ['slack', 'T012AB3CD', 'Slack huddle T01•••3CD'],
    ['proton-meet', 'ABCDEFGHIJ', 'Proton Meet meeting ABC••••HIJ'],
  ])('%s: masks the id %s', (platform, meetingId, named) => {
    const email = alert({ platform, meetingId, meetingTitle: null });
    expect(email.subject).toBe(`[leakwatch] Your ${named} was posted on Reddit`);
    expect(email.subject).not.toContain(meetingId);
  });

  it('prefers the title to the id', () => {
    const email = alert({ meetingTitle: 'Year 9 Maths' });
    expect(email.subject).toContain('"Year 9 Maths"');
    expect(email.subject).not.toContain('845');
  });

  it('names the source of the latest sighting', () => {
    const older = sighting({ source: 'reddit', seenAt: '2026-11-28T10:00:00Z' });
    const newer = sighting({ source: 'discourse', seenAt: '2026-11-28T12:00:00Z' });
    expect(alert({ sightings: [newer, older] }).subject).toMatch(/was posted on a Discourse forum$/);
    expect(alert({ sightings: [older, newer] }).subject).toMatch(/was posted on a Discourse forum$/);
    expect(alert({ sightings: [sighting({ source: 'x' })] }).subject).toMatch(/was posted on X \(Twitter\)$/);
    expect(alert({ sightings: [sighting({ source: 'rss' })] }).subject).toMatch(/was posted on an RSS feed$/);
    expect(alert({ sightings: [sighting({ source: 'myforum' })] }).subject).toMatch(/was posted on myforum$/);
    expect(alert({ sightings: [] }).subject).toMatch(/was posted publicly$/);
  });

  it('says when an escalation has gone unacknowledged', () => {
    const input = { kind: 'escalation', role: 'admin', unacknowledgedMinutes: 60 } as const;
    expect(alert({ severity: 'critical', sightings: [sighting({ source: 'fourchan' })] }, input).subject).toBe(
      '[leakwatch] Unacknowledged for 60 min: CRITICAL: your Zoom meeting "Year 9 Maths" was posted on 4chan',
    );
    expect(alert({ severity: 'low' }, input).subject).toBe('[leakwatch] Unacknowledged for 60 min: Your Zoom meeting "Year 9 Maths" was posted on Reddit');
    expect(alert({}, { ...input, unacknowledgedMinutes: 150 }).subject).toMatch(/^\[leakwatch\] Unacknowledged for 2 h 30 min: /);
    expect(alert({}, { ...input, unacknowledgedMinutes: 180 }).subject).toMatch(/^\[leakwatch\] Unacknowledged for 3 h: /);
    expect(alert({}, { kind: 'escalation', role: 'admin' }).subject).toMatch(/^\[leakwatch\] Unacknowledged: /);
  });

  it('says "possibly your" when only the organisation name matched', () => {
    expect(alert({ matchKind: 'name', meetingTitle: null, severity: 'low' }).subject).toBe('[leakwatch] Possibly your Zoom meeting 845•••••261 was posted on Reddit');
  });

  it('strips line breaks and control characters from everything interpolated', () => {
    const email = alert({
      meetingTitle: 'Year 9\r\nBcc: everyone@example.org\u2028X',
      sightings: [sighting({ source: 'evil\r\nX-Header: 1' })],
      platform: 'new\nplatform',
    });
    expect(email.subject).not.toMatch(/[\r\n\u2028\u0000-\u001f]/);
    expect(email.subject).toContain('"Year 9 Bcc: everyone@example.org X"');
  });

  it('shortens a very long title', () => {
    const email = alert({ meetingTitle: 'A'.repeat(300) });
    expect(email.subject.length).toBeLessThan(160);
    expect(email.subject).toContain('…"');
  });
});

describe('alert body', () => {
  const full = leak({
    severity: 'critical',
    recurring: true,
    passcodeState: 'matches',
    reasons: ['a host-start link: whoever holds it starts the meeting as its host', 'raid language near the link ("raid", "bomb", "join and …")'],
    sightings: [
      sighting({
        source: 'fourchan',
        postUrl: 'https://boards.4chan.org/b/thread/912345678#p912345690',
        author: 'Anonymous',
        postedAt: '2026-11-28T14:05:00Z',
        seenAt: '2026-11-28T14:07:30Z',
        excerpt: 'raid this class at 2pm\nhttps://westfield.zoom.us/s/84512397261?pwd=66••10',
        link: 'https://westfield.zoom.us/s/84512397261?pwd=66••10',
        passcodeMasked: '66••10',
        hostStart: true,
        raidLanguage: true,
      }),
      sighting({ source: 'reddit', seenAt: '2026-11-28T13:50:00Z', postedAt: null, author: null }),
    ],
    totalSightings: 5,
  });
  const email = renderAlertEmail({ kind: 'alert', role: 'organiser', recipient: 'teacher@westfield.example', leak: full, links: LINKS });
  const html = visibleText(email.html);

  it('starts with a one-line summary naming the severity', () => {
    const first = email.text.split('\n')[0] ?? '';
    expect(first).toMatch(/^CRITICAL — act now: Your Zoom meeting "Year 9 Maths" \(ID 84512397261\) was posted on 4chan/);
    expect(html).toContain('CRITICAL');
    expect(html).toContain('act now');
  });

  it('gives the sections in order: summary, what to do, where, what was exposed, urgency, reporting, actions, footer', () => {
    expectInOrder(email.text, [
      'CRITICAL — act now',
      'WHAT TO DO NOW (Zoom)',
      'WHERE IT WAS SEEN',
      'WHAT WAS EXPOSED',
      'HOW URGENT: CRITICAL',
      'HAVE THE POST TAKEN DOWN',
      'I rotated it: ',
      'Acknowledge: ',
      'Not ours / public on purpose: ',
      'Manage your alerts: ',
      'Unsubscribe: ',
    ]);
    expectInOrder(html, [
      'Your Zoom meeting',
      'What to do now (Zoom)',
      'Where it was seen',
      'What was exposed',
      'How urgent it is',
      'Have the post taken down',
      'I rotated it',
      'Acknowledge',
      'Not ours / public on purpose',
      'Manage your alerts',
      'Unsubscribe',
    ]);
  });

  it('leads with the rotation steps of the platform, numbered', () => {
    const steps = rotationSteps('zoom').steps;
    steps.forEach((step, i) => expect(email.text).toContain(`${i + 1}. ${step}`));
    for (const step of steps) expect(email.html).toContain(escapeHtml(step));
    expect(email.html).toMatch(/<ol[\s>]/);
    const teams = alert({ platform: 'teams' });
    expect(teams.text).toContain('WHAT TO DO NOW (Microsoft Teams)');
    for (const step of rotationSteps('teams').steps) expect(teams.text).toContain(step);
  });

  it('lists each sighting: source, post link, author, times, the link as posted and the excerpt', () => {
    expect(email.text).toContain('* 4chan: posted 2026-11-28 14:05 UTC, seen 2026-11-28 14:07 UTC, by Anonymous');
    expect(email.text).toContain('Post: https://boards.4chan.org/b/thread/912345678#p912345690');
    expect(email.text).toContain('Link as posted: https://westfield.zoom.us/s/84512397261?pwd=66••10');
    expect(email.text).toContain('  > raid this class at 2pm\n  > https://westfield.zoom.us/s/84512397261?pwd=66••10');
    expect(email.text).toContain('* Reddit: seen 2026-11-28 13:50 UTC\n');
    expect(hrefs(email.html)).toContain('https://boards.4chan.org/b/thread/912345678#p912345690');
    expect(html).toContain('posted 2026-11-28 14:05 UTC, seen 2026-11-28 14:07 UTC · by Anonymous');
    expect(html).toContain('raid this class at 2pm');
    expect(email.html).toMatch(/<blockquote[^>]*>raid this class at 2pm<br>/);
  });

  it('does not make the meeting link itself clickable', () => {
    expect(hrefs(email.html).some((h) => h.includes('zoom.us'))).toBe(false);
  });

  it('says how many more posts there are', () => {
    expect(email.text).toContain('and 3 more posts');
    expect(html).toContain('and 3 more posts');
    expect(alert({ sightings: [sighting()], totalSightings: 2 }).text).toContain('and 1 more post:');
    const none = alert({ sightings: [sighting()], totalSightings: 1 });
    expect(none.text).not.toMatch(/more posts?/);
    expect(none.html).not.toMatch(/more posts?/);
  });

  it('says what was exposed: the full id, the passcode masked and how it compares', () => {
    expect(email.text).toContain('Meeting ID: 84512397261');
    expect(html).toContain('84512397261');
    expect(email.text).toContain("66••10 (masked here): the posted passcode is the meeting's current passcode");
    expect(html).toContain("the posted passcode is the meeting's current passcode");
    expect(email.text).toContain('recurring: the same link works for every session');
  });

  it.each([
    ['matches', "the posted passcode is the meeting's current passcode"],
    ['differs', 'the posted passcode differs from the registered one, it may be old'],
    ['unknown', 'the posted passcode could not be compared'],
  ] as const)('passcode %s', (state, words) => {
    const e = alert({ passcodeState: state, sightings: [sighting({ passcodeMasked: '66••10' })] });
    expect(e.text).toContain(words);
    expect(visibleText(e.html)).toContain(words);
    const stored = alert({ passcodeState: state, sightings: [sighting()] });
    expect(stored.text).toContain(words);
  });

  it('says when no passcode was posted', () => {
    const e = alert({ passcodeState: null });
    expect(e.text).toContain('Passcode: none was posted');
    expect(e.text).not.toMatch(/current passcode|may be old|could not be compared/);
  });

  it('flags a host-start link and raid language, in words, in both parts', () => {
    expect(email.text).toContain('!! CRITICAL: Host-start link: this link lets anyone start the meeting as host');
    expect(html).toContain('CRITICAL · Host-start link: this link lets anyone start the meeting as host');
    expect(email.text).toContain('!! WARNING: Raid language:');
    expect(html).toContain('WARNING · Raid language:');
    expect(email.text).toContain('!! HOST-START LINK · RAID LANGUAGE');
    expect(html).toContain('HOST-START LINK');
    expect(html).toContain('RAID LANGUAGE');
    const plain = alert();
    expect(plain.text).not.toMatch(/host-start link|raid language/i);
    expect(plain.html).not.toMatch(/host-start link|raid language/i);
  });

  it('gives the severity and its reasons', () => {
    for (const reason of full.reasons) {
      expect(email.text).toContain(`- ${reason}`);
      expect(email.html).toContain(escapeHtml(reason));
    }
    expect(html).toContain('Act now, because:');
  });

  it('says how to report the post, once per source', () => {
    expect(email.text).toContain(`- ${reportSteps('fourchan')}`);
    expect(email.text).toContain(`- ${reportSteps('reddit')}`);
    expect(email.html).toContain(escapeHtml(reportSteps('fourchan')));
    const twice = alert({ sightings: [sighting(), sighting()] });
    expect(twice.text.split(reportSteps('reddit')).length).toBe(2);
  });

  it('carries the three action links and the footer links, exact, in both parts', () => {
    for (const [label, url] of [
      ['I rotated it', LINKS.resolve],
      ['Acknowledge', LINKS.acknowledge],
      ['Not ours / public on purpose', LINKS.ignore],
      ['Manage your alerts', LINKS.manage],
      ['Unsubscribe', LINKS.unsubscribe],
    ] as const) {
      expect(email.text).toContain(`${label}: ${url}\n`);
      expect(email.html).toMatch(new RegExp(`<a href="${escapeRegExp(escapeHtml(url))}"[^>]*>${escapeRegExp(label)}</a>`));
    }
    expect(email.html).toContain('href="https://leakwatch.example/l/resolve?t=r1&amp;leak=7"');
    expect(email.html).not.toContain('t=r1&leak=7');
  });

  it('explains that the links work once and expire', () => {
    expect(email.text).toMatch(/works once and expires/);
    expect(html).toMatch(/works once and expires/);
  });

  it('says why the recipient gets the email', () => {
    expect(email.text).toContain('you are the organiser of this meeting, registered with leakwatch by Westfield High');
    const admin = alert({}, { role: 'admin' });
    expect(admin.text).toContain('you are an admin of Westfield High');
    expect(visibleText(admin.html)).toContain('you are an admin of Westfield High');
    const escalation = alert({}, { kind: 'escalation', role: 'admin', unacknowledgedMinutes: 45 });
    expect(escalation.text).toContain('Nobody has acknowledged the alert for 45 min.');
    expect(escalation.text).toContain('escalated to you');
  });

  it('warns that a match on the organisation name may not be theirs', () => {
    const e = alert({ matchKind: 'name', meetingTitle: null, severity: 'low' });
    expect(e.text).toContain('it may not be yours');
    expect(e.text.split('\n')[0]).toContain('Possibly your Zoom meeting 84512397261');
  });

  it('renders times in UTC whatever the input offset', () => {
    const e = alert({ sightings: [sighting({ postedAt: '2026-11-28T15:05:00+01:00', seenAt: '2026-11-28T09:07:00-05:00' })] });
    expect(e.text).toContain('posted 2026-11-28 14:05 UTC, seen 2026-11-28 14:07 UTC');
    expect(alert({ sightings: [sighting({ postedAt: 'yesterday' })] }).text).toContain('posted yesterday,');
  });

  it('renders every severity with its word and colour', () => {
    for (const [severity, label, colour] of [
      ['critical', 'CRITICAL', '#7f1d1d'],
      ['high', 'HIGH', '#c2410c'],
      ['medium', 'MEDIUM', '#b45309'],
      ['low', 'LOW', '#4b5563'],
    ] as const) {
      const e = alert({ severity });
      expect(e.text.split('\n')[0]).toMatch(new RegExp(`^${label} — `));
      expect(e.html).toMatch(new RegExp(`background-color:${colour};color:#ffffff;[^"]*">${label}</span>`));
    }
  });
});

describe('untrusted values', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const IMG = '"><img src=x onerror=alert(1)>';
  const evil = `${SCRIPT}${IMG}`;

  function hostile(): RenderedEmail {
    return renderAlertEmail({
      kind: 'alert',
      role: 'admin',
      recipient: `teacher${IMG}@westfield.example`,
      leak: leak({
        orgName: `Westfield ${evil}`,
        meetingTitle: `Maths ${evil}`,
        reasons: [`reason ${evil}`],
        sightings: [sighting({ excerpt: `hello ${evil}\nline two ${IMG}`, author: `bad ${evil}`, link: `https://zoom.us/j/1?x=${IMG}`, source: `src${evil}` })],
      }),
      links: LINKS,
    });
  }

  it('escapes excerpt, author, title, organisation name, reasons and source in the HTML', () => {
    const { html } = hostile();
    expect(html).not.toContain(SCRIPT);
    expect(html).not.toContain(IMG);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    for (const tag of html.matchAll(/<[a-z][^>]*>/gi)) expect(tag[0]).not.toMatch(/\s(?:on[a-z]+|src)\s*=/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain(`hello ${escapeHtml(evil)}`);
    expect(html).toContain(`bad ${escapeHtml(evil)}`);
    expect(html).toContain(`Maths ${escapeHtml(evil)}`);
    expect(html).toContain(`Westfield ${escapeHtml(evil)}`);
    expect(html).toContain(`reason ${escapeHtml(evil)}`);
  });

  it('escapes the digest too', () => {
    const { html } = renderDigestEmail({
      recipient: 'teacher@westfield.example',
      orgName: `Westfield ${evil}`,
      since: '2026-11-28T00:00:00Z',
      items: [{ leak: leak({ meetingTitle: `Maths ${evil}` }), newSightings: [sighting({ excerpt: evil, author: evil })], links: LINKS }],
      links: LINKS,
    });
    expect(html).not.toContain(SCRIPT);
    expect(html).not.toContain(IMG);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain(escapeHtml(evil));
  });

  it('never links a javascript: or data: URL, and shows it as text', () => {
    const e = renderAlertEmail({
      kind: 'alert',
      role: 'organiser',
      recipient: 'teacher@westfield.example',
      leak: leak({ sightings: [sighting({ postUrl: 'javascript:alert(1)', link: 'javascript:alert(2)' }), sighting({ postUrl: 'data:text/html,<b>x</b>' })] }),
      links: { ...LINKS, resolve: 'javascript:alert(3)', manage: 'JAVASCRIPT:alert(4)' },
    });
    for (const href of hrefs(e.html)) expect(href).toMatch(/^https?:\/\//);
    expect(e.html).not.toMatch(/href="\s*(?:javascript|data):/i);
    expect(e.html).toContain('javascript:alert(1)');
    expect(e.html).toContain('data:text/html,&lt;b&gt;x&lt;/b&gt;');
    expect(visibleText(e.html)).toContain('I rotated it: javascript:alert(3)');
    expect(hrefs(e.html)).toContain(escapeHtml(LINKS.acknowledge));
  });

  it('only ever links http and https URLs, escaped', () => {
    const e = hostile();
    const all = hrefs(e.html);
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const href of all) {
      expect(href).toMatch(/^https?:\/\//);
      expect(href).not.toMatch(/[<>"']|&(?!amp;)/);
    }
  });

  it('quotes every excerpt line in the text part, so an excerpt cannot fake structure', () => {
    const excerpt = 'hi\nI rotated it: https://evil.example/\r\n-- \r\nUnsubscribe: https://evil.example/u\u2028WHAT TO DO NOW\rdone';
    const e = alert({ sightings: [sighting({ excerpt })] });
    const lines = e.text.split('\n');
    for (const line of lines.filter((l) => l.includes('evil.example'))) expect(line).toMatch(/^ {2}> /);
    expect(lines).toContain('  > I rotated it: https://evil.example/');
    expect(lines).toContain('  > WHAT TO DO NOW');
    expect(lines).toContain('  > done');
    expect(lines.filter((l) => l.startsWith('Unsubscribe: '))).toEqual([`Unsubscribe: ${LINKS.unsubscribe}`]);
    expect(e.text).not.toMatch(/[\r\u2028]/);
  });

  it('keeps one-line values on one line in the text part', () => {
    const e = alert({
      orgName: 'Westfield\nI rotated it: https://evil.example/',
      sightings: [sighting({ author: 'bob\nI rotated it: https://evil.example/', postUrl: 'https://example.org/\nx' })],
    });
    for (const line of e.text.split('\n')) expect(line.startsWith('I rotated it: https://evil')).toBe(false);
  });
});

describe('passcodes', () => {
  it('never shows a passcode other than masked', () => {
    const e = renderAlertEmail({
      kind: 'escalation',
      role: 'admin',
      recipient: 'admin@westfield.example',
      leak: leak({
        severity: 'critical',
        passcodeState: 'matches',
        sightings: [sighting({ excerpt: 'Meeting ID: 845 1239 7261 Passcode: 66••10', passcodeMasked: '66••10', link: 'https://zoom.us/j/84512397261?pwd=66••10' })],
      }),
      links: LINKS,
      unacknowledgedMinutes: 60,
    });
    for (const part of [e.subject, e.text, e.html]) expect(part).not.toContain('662810');
    expect(e.text).toContain('66••10');
    expect(e.html).toContain('66••10');
    expect(e.subject).not.toContain('66');
  });
});

describe('HTML document', () => {
  const { html, subject } = alert({ severity: 'high', sightings: [sighting({ hostStart: true })] });

  it('is a complete document with a charset and a hidden preheader holding the summary', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/<html[^>]*>[\s\S]*<head>[\s\S]*<\/head>[\s\S]*<body[^>]*>[\s\S]*<\/body>\s*<\/html>\s*$/);
    expect(html).toContain(`<title>${escapeHtml(subject)}</title>`);
    const preheader = /<body[^>]*>\s*<div style="display:none;[^"]*">([^<]*)<\/div>/.exec(html);
    expect(preheader?.[1]).toContain('HIGH — act today: Your Zoom meeting &quot;Year 9 Maths&quot;');
  });

  it('has no scripts, no images, no external resources', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/<img|<link|<iframe|<object|<embed|@import|url\(/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it('is a single 600 px column of tables, styled inline', () => {
    expect(html).toMatch(/<table[^>]*width="600"[^>]*style="[^"]*width:600px;/);
    expect(html).toContain('role="presentation"');
    for (const tag of html.matchAll(/<(td|p|h2|a|li)\b[^>]*>/g)) {
      if (tag[0].startsWith('<td colspan') || tag[0].startsWith('<td align') || tag[0].startsWith('<td valign')) continue;
      expect(tag[0], tag[0]).toMatch(/style="/);
    }
  });

  it('styles the action links as buttons', () => {
    expect(html).toMatch(/<a href="[^"]+" style="display:inline-block;[^"]*padding:[^"]*border-radius:6px;[^"]*">I rotated it<\/a>/);
  });
});

describe('digest', () => {
  const zoom = leak({ id: 7, severity: 'critical', meetingTitle: 'Year 9 Maths' });
  const meet = leak({ id: 8, platform: 'google-meet', meetingId: 'abc-defg-hij', meetingTitle: null, severity: 'medium' });
  const meetLinks: LeakLinks = {
    resolve: 'https://leakwatch.example/l/resolve?t=r2&leak=8',
    acknowledge: 'https://leakwatch.example/l/ack?t=a2&leak=8',
    ignore: 'https://leakwatch.example/l/ignore?t=i2&leak=8',
  };
  const input: DigestEmailInput = {
    recipient: 'teacher@westfield.example',
    orgName: 'Westfield High',
    since: '2026-11-28T14:07:00Z',
    items: [
      {
        leak: zoom,
        newSightings: [
          sighting({ source: 'fourchan', excerpt: 'zoom excerpt one', author: 'Anonymous' }),
          sighting({ source: 'telegram', excerpt: 'zoom excerpt two', postUrl: 'https://t.me/somechannel/42' }),
        ],
        links: LINKS,
      },
      { leak: meet, newSightings: [sighting({ source: 'bluesky', excerpt: 'meet excerpt', postUrl: 'https://bsky.app/profile/x/post/1' })], links: meetLinks },
    ],
    links: { manage: LINKS.manage, unsubscribe: LINKS.unsubscribe },
  };
  const email = renderDigestEmail(input);
  const html = visibleText(email.html);

  it('has a subject with the count of new posts', () => {
    expect(email.subject).toBe('[leakwatch] 3 new posts of 2 meetings we already told you about (Westfield High)');
    expect(email.subject).not.toContain('abc-defg-hij');
  });

  it('says what it is', () => {
    expect(email.text.split('\n')[0]).toBe('New posts of meetings we already told you about');
    expect(html).toContain('New posts of meetings we already told you about');
    expect(email.text).toContain('3 new posts of 2 leaked meetings at Westfield High since 2026-11-28 14:07 UTC.');
  });

  it('groups the new posts per leak, with platform, meeting and severity', () => {
    for (const part of [email.text, html]) {
      expectInOrder(part, ['CRITICAL', 'Zoom meeting "Year 9 Maths"', 'zoom excerpt one', 'zoom excerpt two', 'MEDIUM', 'Google Meet meeting abc-••••-hij', 'meet excerpt']);
    }
    expect(email.text).toContain('CRITICAL: Zoom meeting "Year 9 Maths"');
    expect(email.text).toContain('MEDIUM: Google Meet meeting abc-••••-hij');
    expect(email.text).toContain('* Telegram: posted 2026-11-28 14:05 UTC, seen 2026-11-28 14:07 UTC, by u/someone');
    expect(email.text).toContain('Post: https://t.me/somechannel/42');
    expect(email.text).toContain('  > meet excerpt');
    expect(hrefs(email.html)).toContain('https://bsky.app/profile/x/post/1');
  });

  it('gives each leak its own three action links, after its posts', () => {
    for (const part of [email.text, email.html]) {
      const z = escapeHtmlIf(part === email.html);
      expectInOrder(part, [
        'zoom excerpt two',
        z(LINKS.resolve),
        z(LINKS.acknowledge),
        z(LINKS.ignore),
        'meet excerpt',
        z(meetLinks.resolve),
        z(meetLinks.acknowledge),
        z(meetLinks.ignore),
        z(LINKS.manage),
        z(LINKS.unsubscribe),
      ]);
    }
    expect(email.text).toContain(`Not ours / public on purpose: ${meetLinks.ignore}`);
    expect(email.html).toContain(`href="${escapeHtml(meetLinks.ignore)}"`);
    expect(email.html).toContain('href="https://leakwatch.example/unsubscribe?t=u1&amp;org=1"');
  });

  it('has the footer in both parts', () => {
    expect(email.text).toContain(`Manage your alerts: ${LINKS.manage}`);
    expect(email.text).toContain(`Unsubscribe: ${LINKS.unsubscribe}`);
    expect(email.text).toContain('alerts for Westfield High');
    expect(email.text).toMatch(/works once and expires/);
  });

  it('is a complete HTML document without scripts or images', () => {
    expect(email.html.startsWith('<!doctype html>')).toBe(true);
    expect(email.html).toContain('<meta charset="utf-8">');
    expect(email.html).not.toMatch(/<script|\ssrc\s*=|<img/i);
  });

  it('counts a single post and meeting in the singular', () => {
    const one = renderDigestEmail({ ...input, items: [{ leak: zoom, newSightings: [sighting()], links: LINKS }] });
    expect(one.subject).toBe('[leakwatch] 1 new post of 1 meeting we already told you about (Westfield High)');
  });
});

describe('names re-exported for the templates', () => {
  it('platformName and sourceName', () => {
    expect(platformName('goto')).toBe('GoTo Meeting');
    expect(sourceName('hackernews')).toBe('Hacker News');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function escapeHtmlIf(html: boolean): (text: string) => string {
  return html ? escapeHtml : (text) => text;
}

describe('leak-wide flags', () => {
  it('flags a host-start link and raid language seen in a post that is not among those shown', () => {
    const email = alert({ hostStart: true, raidLanguage: true, sightings: [sighting({ hostStart: false, raidLanguage: false })], totalSightings: 9 });
    for (const part of [email.text, email.html]) {
      expect(part).toMatch(/Host-start link/);
      expect(part).toMatch(/Raid language/);
    }
    const quiet = alert({ sightings: [sighting({ hostStart: false, raidLanguage: false })] });
    expect(quiet.text).not.toMatch(/Host-start link/);
  });
});
