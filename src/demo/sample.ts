/**
 * The sample data of `leakwatch demo`: one school, its meetings, and a
 * morning's worth of public posts in the shapes the crawlers produce —
 * leaks of registered meetings on several platforms, a link naming the
 * school's Zoom subdomain, a host-start link, and posts that must not match.
 * Every name, address and number here is invented.
 */
import type { IncomingPost } from '../match/matcher.js';

export const DEMO_ORG = { name: 'Westfield High School', admin: 'it@westfield.example', domain: 'westfield.example', zoomSubdomain: 'westfield' };

export const DEMO_MEETINGS = [
  { platform: 'zoom', meetingId: '845 1239 7260', passcode: '662810', ownerEmail: 'r.okafor@westfield.example', title: 'Year 9 Maths', recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE,FR' },
  { platform: 'google-meet', meetingId: 'abc-defg-hij', ownerEmail: 'j.lindqvist@westfield.example', title: 'Chemistry revision' },
  { platform: 'teams', meetingId: 'https://teams.microsoft.com/meet/2849175302615?p=Xy7Kp2QwErT9', ownerEmail: 'a.mensah@westfield.example', title: 'Parents evening' },
  { platform: 'zoom', meetingId: '913 5550 1042', ownerEmail: 'r.okafor@westfield.example', title: 'Open day webinar', public: true },
] as const;

/** Posts as crawled, a few minutes apart, ending `now`. */
export function demoPosts(now: Date): IncomingPost[] {
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  const posts: Omit<IncomingPost, 'createdAt'>[] = [
    {
      source: 'fourchan',
      sourceId: '917265533',
      url: 'https://boards.4chan.org/b/thread/917265533',
      author: 'Anonymous',
      text: 'westfield maths class 10am, everyone join and raid it lmao\nMeeting ID: 845 1239 7260\nPasscode: 662810',
    },
    {
      source: 'reddit',
      sourceId: 't3_1h2demo',
      url: 'https://www.reddit.com/r/teenagers/comments/1h2demo/',
      author: 'u/throwaway_y9',
      text: 'anyone want to join our maths zoom lol https://westfield.zoom.us/j/84512397260?pwd=bG9uZ3Bhc3N3b3JkdG9rZW4',
    },
    {
      source: 'telegram',
      sourceId: 'raidchat/4410',
      url: 'https://t.me/raidchat/4410',
      author: 'raidchat',
      text: 'chem revision tonight meet.google.com/abc-defg-hij bring friends',
    },
    {
      source: 'mastodon',
      sourceId: '113588900001',
      url: 'https://mastodon.example/@parent/113588900001',
      author: '@parent@mastodon.example',
      text: 'Parents evening link for Westfield (please do not share): https://teams.microsoft.com/meet/2849175302615?p=Xy7Kp2QwErT9',
    },
    {
      source: 'x',
      sourceId: '1862000000000000001',
      url: 'https://x.com/someone/status/1862000000000000001',
      author: '@someone',
      text: 'lol found the host link https://westfield.zoom.us/s/87615432098?zak=eyJ0eXAiOiJKV1Qi',
    },
    {
      source: 'bluesky',
      sourceId: 'at://did:plc:demo/app.bsky.feed.post/3kdemo',
      url: 'https://bsky.app/profile/demo.bsky.social/post/3kdemo',
      author: 'demo.bsky.social',
      text: 'Our open day webinar is open to everyone! https://westfield.zoom.us/j/91355501042',
    },
    {
      source: 'hackernews',
      sourceId: '42000001',
      url: 'https://news.ycombinator.com/item?id=42000001',
      author: 'pg_fan',
      text: 'Zoom pricing changed again: https://zoom.us/pricing — and support docs at https://support.zoom.us/hc/en-us/articles/201362193',
    },
    {
      source: 'reddit',
      sourceId: 't3_1h2other',
      url: 'https://www.reddit.com/r/Teachers/comments/1h2other/',
      author: 'u/another_teacher',
      text: 'join my class https://us02web.zoom.us/j/71234567890 (a different school: nobody registered it)',
    },
  ];
  return posts.map((post, index) => ({ ...post, createdAt: at((posts.length - index) * 7) }));
}
