/**
 * GoTo Webinar (catalogue row 12): the attendee's own join link
 * `global.gotowebinar.com/join/WEBINAR_KEY/ATTENDEE`, where the webinar key
 * has 16–19 digits and the attendee part (reported as the passcode) lets its
 * holder in without registering. Registration pages (`/register/…`, `/rt/…`)
 * are public by design and not meetings.
 */
import type { Platform } from './platform.js';

const WEBINAR_KEY = /^\d{16,19}$/;
const ATTENDEE = /^\d{6,12}$/;

export const gotoWebinar: Platform = {
  slug: 'goto-webinar',
  domains: ['gotowebinar.com'],
  keywords: ['gotowebinar'],
  parse(link) {
    const [action, key, attendee, ...rest] = link.segments;
    if (action?.toLowerCase() !== 'join' || key === undefined || !WEBINAR_KEY.test(key) || rest.length > 0) return null;
    if (attendee !== undefined && !ATTENDEE.test(attendee)) return null;
    return { meetingId: key, passcode: attendee ?? null, url: `https://global.gotowebinar.com/join/${key}${attendee === undefined ? '' : `/${attendee}`}` };
  },
};
