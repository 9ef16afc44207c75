/**
 * GoTo Meeting (catalogue row 11, §2.5): `meet.goto.com/ID` or a room name,
 * `global.gotomeeting.com/join/ID` and the invitation's "get the app" link
 * `/install/ID` to the same meeting, the web app's
 * `app.gotomeeting.com/?meetingId=ID`, `app.goto.com/meeting/ID` and personal
 * rooms `gotomeet.me/NAME` (legacy `g2m.me`). `goto.com/meeting` and other
 * marketing pages are not meetings.
 */
import { param } from '../link.js';
import { digitsOf, domainOf, type Platform } from './platform.js';

const ROOM = /^[A-Za-z][A-Za-z0-9._-]{1,60}$/;
const RESERVED = new Set(['install', 'download', 'join', 'start', 'help', 'support', 'login', 'signin', 'pricing', 'features', 'meeting', 'webinar', 'app', 'home']);

export const goto: Platform = {
  slug: 'goto',
  domains: ['goto.com', 'gotomeeting.com', 'gotomeet.me', 'g2m.me'],
  keywords: ['goto', 'gotomeeting', 'gotomeet', 'g2m'],
  parse(link) {
    const parts = link.segments;
    const first = parts[0] ?? '';
    const domain = domainOf(link.host, ['gotomeet.me', 'g2m.me']);
    if (domain !== null) {
      return ROOM.test(first) ? { meetingId: first, url: `https://gotomeet.me/${first}` } : null;
    }
    let id: string | null = null;
    if (link.host === 'meet.goto.com') {
      id = digitsOf(first, 9, 10);
      if (id === null && ROOM.test(first) && !RESERVED.has(first.toLowerCase()) && parts.length === 1) {
        return { meetingId: first, url: `https://meet.goto.com/${first}` };
      }
    } else if (link.host === 'app.goto.com' && first.toLowerCase() === 'meeting') {
      id = digitsOf(parts[1] ?? '', 9, 10);
    } else if (link.host.endsWith('gotomeeting.com') && /^(?:join|install)$/i.test(first)) {
      id = digitsOf(parts[1] ?? '', 9, 10);
    } else if (link.host === 'app.gotomeeting.com' && parts.length <= 1) {
      id = digitsOf(param(link.query, 'meetingId') ?? '', 9, 10);
    }
    return id === null ? null : { meetingId: id, url: `https://meet.goto.com/${id}` };
  },
};
