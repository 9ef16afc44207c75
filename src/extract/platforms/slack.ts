/**
 * Slack huddles (catalogue row 23): `app.slack.com/huddle/TEAM/CHANNEL`. The
 * meeting key is `TEAM/CHANNEL` as the URL prints it.
 */
import type { Platform } from './platform.js';

const HUDDLE = /^\/huddle\/(T[A-Z0-9]{6,12})\/([CDG][A-Z0-9]{6,12})\/?$/;

export const slack: Platform = {
  slug: 'slack',
  domains: ['slack.com'],
  keywords: ['slack'],
  parse(link) {
    const m = HUDDLE.exec(link.path);
    if (m === null || link.host !== 'app.slack.com') return null;
    const key = `${m[1]}/${m[2]}`;
    return { meetingId: key, url: `https://app.slack.com/huddle/${key}` };
  },
};
