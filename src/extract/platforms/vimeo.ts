/**
 * Vimeo live events and Venues (catalogue row 67): `vimeo.com/event/ID`
 * (also `/embed`, `/chat`), where an unlisted event adds its 10-hex privacy
 * hash (`/event/ID/HASH`, `/event/ID/embed/HASH`) — the hash is what admits,
 * so it is reported as the passcode — and `venues.vimeo.com/VENUE/SPACE`.
 * Showcases (`/showcase/ID`) are video collections and plain `vimeo.com/ID`
 * is a recorded video: neither is a meeting.
 */
import type { Platform } from './platform.js';

const EVENT_ID = /^\d{5,10}$/;
const HASH = /^[0-9a-f]{10}$/;
const EVENT_PAGES = new Set(['embed', 'chat', 'interaction', 'live-chat']);
const VENUE_ID = /^\d{4,12}$/;
const SPACE = /^[A-Za-z0-9_-]{1,64}$/;

export const vimeo: Platform = {
  slug: 'vimeo',
  domains: ['vimeo.com'],
  // Specific to events and Venues, so that links to ordinary videos do not wake the prefilter.
  keywords: [String.raw`vimeo\.com(?:\/|%2f)event`, String.raw`venues\.vimeo\.com`],
  parse(link) {
    const parts = link.segments;
    if (link.host === 'venues.vimeo.com') {
      const rest = parts[0]?.toLowerCase() === 'embed' ? parts.slice(1) : parts;
      const [venue, space] = rest;
      if (venue === undefined || !VENUE_ID.test(venue) || rest.length > 2 || (space !== undefined && !SPACE.test(space))) return null;
      const id = space === undefined ? venue : `${venue}/${space}`;
      return { meetingId: id, url: `https://venues.vimeo.com/${id}` };
    }
    if (link.host !== 'vimeo.com' && link.host !== 'www.vimeo.com') return null;
    const [kind, id, ...rest] = parts;
    if (kind?.toLowerCase() !== 'event' || id === undefined || !EVENT_ID.test(id) || rest.length > 3) return null;
    let hash: string | null = null;
    for (const part of rest) {
      if (HASH.test(part) && hash === null) hash = part;
      else if (!EVENT_PAGES.has(part.toLowerCase())) return null;
    }
    return { meetingId: id, passcode: hash, url: `https://vimeo.com/event/${id}${hash === null ? '' : `/${hash}`}` };
  },
};
