import { describe, expect, it } from 'vitest';
import { escapeHtml, safeHref } from '../../src/notify/html.js';
import { platformName, reportSteps, rotationSteps, sourceName } from '../../src/notify/rotation.js';

/** Every step of a platform, as one text. */
function all(platform: string): string {
  return rotationSteps(platform).steps.join('\n');
}

describe('rotationSteps', () => {
  const platforms = ['zoom', 'google-meet', 'teams', 'webex', 'goto', 'jitsi', 'whereby', 'some-new-platform'];

  it.each(platforms)('%s: a new meeting, the waiting room or lobby, signed-in users only, new details sent privately', (platform) => {
    const text = all(platform);
    expect(text).toMatch(/new meeting/i);
    expect(text).toMatch(/waiting room|lobby/i);
    expect(text).toMatch(/authenticat|signed-in|sign in/i);
    expect(text).toMatch(/only to the invited people, privately/);
    expect(text).toMatch(/never post it on a public page/i);
  });

  it.each(platforms)('%s: every step is one or two sentences', (platform) => {
    const { steps } = rotationSteps(platform);
    expect(steps.length).toBeGreaterThanOrEqual(4);
    for (const step of steps) {
      expect(step.split(/(?<=[.!?])\s+(?=[A-Z])/).length, step).toBeLessThanOrEqual(2);
      expect(step.length).toBeLessThan(400);
    }
  });

  it('orders the steps: the new meeting first, sending it privately after the settings', () => {
    for (const platform of platforms) {
      const { steps } = rotationSteps(platform);
      expect(steps[0]).toMatch(/new meeting/i);
      const lobby = steps.findIndex((s) => /waiting room|lobby/i.test(s));
      const send = steps.findIndex((s) => /privately/.test(s));
      expect(lobby).toBeGreaterThan(0);
      expect(send).toBeGreaterThan(lobby);
    }
  });

  it('Zoom: new meeting ID and passcode, Waiting Room, authenticated users, registration for recurring classes', () => {
    const text = all('zoom');
    expect(text).toMatch(/new meeting ID/);
    expect(text).toMatch(/new passcode/);
    expect(text).toContain('Waiting Room');
    expect(text).toContain('Only authenticated users can join');
    expect(text).toMatch(/recurring class.*Registration/);
    expect(text).toMatch(/per-participant/);
  });

  it('Google Meet: a new meeting code because Meet has no passcode, host management and knocking, own organisation', () => {
    const text = all('google-meet');
    expect(text).toMatch(/no passcode/);
    expect(text).toMatch(/new meeting code/);
    expect(text).toContain('Host management');
    expect(text).toMatch(/knock/);
    expect(text).toMatch(/people in your organisation/);
    expect(text).not.toMatch(/new passcode/);
  });

  it('Teams: a new meeting because the link cannot change, the lobby for everyone but organisers, no anonymous users', () => {
    const text = all('teams');
    expect(text).toMatch(/link cannot be changed/);
    expect(text).toContain('Who can bypass the lobby?');
    expect(text).toContain('Only me and co-organizers');
    expect(text).toContain('Anonymous users can join a meeting');
  });

  it('Webex: lobby and lock, only signed-in users', () => {
    const text = all('webex');
    expect(text).toMatch(/lobby/);
    expect(text).toMatch(/lock/i);
    expect(text).toMatch(/only signed-in/);
    expect(text).toMatch(/new meeting number/);
  });

  it('GoTo Meeting: meeting lock and organizer approval', () => {
    const text = all('goto');
    expect(text).toContain('Meeting lock');
    expect(text).toMatch(/organizer approval/);
    expect(text).toMatch(/new meeting ID/);
  });

  it('Jitsi: a new room, lobby and password', () => {
    const text = all('jitsi');
    expect(text).toMatch(/new room/);
    expect(text).toMatch(/lobby/);
    expect(text).toMatch(/password/);
  });

  it('names the platform, ignores the case of the slug, and falls back to generic steps', () => {
    expect(rotationSteps('zoom').platformName).toBe('Zoom');
    expect(rotationSteps('ZOOM').steps).toEqual(rotationSteps('zoom').steps);
    expect(rotationSteps('bluejeans')).toEqual({ platformName: 'BlueJeans', steps: rotationSteps('some-new-platform').steps });
    expect(rotationSteps('zoom').steps).not.toEqual(rotationSteps('whereby').steps);
  });

  it('returns a fresh array each time', () => {
    const first = rotationSteps('zoom');
    first.steps.push('tampered');
    expect(rotationSteps('zoom').steps).not.toContain('tampered');
  });
});

describe('reportSteps', () => {
  const expected: Array<[string, RegExp[]]> = [
    ['reddit', [/Report/, /subreddit's moderators/]],
    ['x', [/"…"/, /Report post/]],
    ['mastodon', [/Report/, /moderators of the instance/]],
    ['bluesky', [/"…"/, /Report post/]],
    ['fourchan', [/▶/, /Report/]],
    ['telegram', [/Report/, /abuse@telegram\.org/]],
    ['hackernews', [/flag/]],
    ['lemmy', [/Report/, /community's moderators/]],
    ['discourse', [/flag/, /moderators/]],
    ['rss', [/owner of the site/]],
    ['webpage', [/owner of the web page/]],
  ];

  it.each(expected)('%s', (source, patterns) => {
    const text = reportSteps(source);
    for (const pattern of patterns) expect(text).toMatch(pattern);
    expect(text).not.toBe(reportSteps('no-such-source'));
    expect(text.split(/(?<=[.!?])\s+(?=[A-Z])/).length).toBeLessThanOrEqual(2);
  });

  it('has a generic fallback', () => {
    expect(reportSteps('myforum')).toMatch(/Report/);
    expect(reportSteps('')).toBe(reportSteps('myforum'));
  });
});

describe('platformName and sourceName', () => {
  it.each([
    ['zoom', 'Zoom'],
    ['google-meet', 'Google Meet'],
    ['teams', 'Microsoft Teams'],
    ['webex', 'Webex'],
    ['goto', 'GoTo Meeting'],
    ['jitsi', 'Jitsi Meet'],
    ['bluejeans', 'BlueJeans'],
    ['whereby', 'Whereby'],
    ['skype', 'Skype'],
    ['chime', 'Amazon Chime'],
    ['ringcentral', 'RingCentral'],
    ['8x8', '8x8'],
    ['zoho', 'Zoho Meeting'],
    ['lifesize', 'Lifesize'],
    ['bigbluebutton', 'BigBlueButton'],
    ['discord', 'Discord'],
    ['slack', 'Slack huddle'],
    ['proton-meet', 'Proton Meet'],
    ['adobe-connect', 'Adobe Connect'],
    ['gather', 'Gather'],
  ])('platform %s → %s', (slug, name) => {
    expect(platformName(slug)).toBe(name);
  });

  it.each([
    ['reddit', 'Reddit'],
    ['mastodon', 'Mastodon'],
    ['bluesky', 'Bluesky'],
    ['hackernews', 'Hacker News'],
    ['fourchan', '4chan'],
    ['telegram', 'Telegram'],
    ['lemmy', 'Lemmy'],
    ['discourse', 'a Discourse forum'],
    ['rss', 'an RSS feed'],
    ['x', 'X (Twitter)'],
    ['webpage', 'a web page'],
    ['myforum', 'myforum'],
  ])('source %s → %s', (source, name) => {
    expect(sourceName(source)).toBe(name);
  });
});

describe('escapeHtml', () => {
  it('escapes & < > " and \'', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml('plain text, 66••10')).toBe('plain text, 66••10');
  });
});

describe('safeHref', () => {
  it.each([
    'https://www.reddit.com/r/test/comments/abc/',
    'http://example.org/post?id=1&x=2',
    'HTTPS://Example.org/Post',
    'https://leakwatch.example/a?t=abc&l=7#frag',
  ])('links %s as written', (url) => {
    expect(safeHref(url)).toBe(url);
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    '  javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'javascript://example.com/%0aalert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'mailto:someone@example.org',
    'ftp://example.org/file',
    '/relative/path',
    'relative/path',
    '//evil.example/x',
    'https:evil.example',
    'https://',
    'http://exa mple.org/',
    'not a url',
    '',
  ])('does not link %j', (url) => {
    expect(safeHref(url)).toBeNull();
  });

  it('trims, and serialises a URL with whitespace inside as a browser would open it', () => {
    expect(safeHref('  https://example.org/x  ')).toBe('https://example.org/x');
    expect(safeHref('https://example.org/a b')).toBe('https://example.org/a%20b');
    expect(safeHref('https://example.org/a\nb')).toBe('https://example.org/ab');
  });
});
