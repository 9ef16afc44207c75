/**
 * StreamYard studio invitations (catalogue row 64): `streamyard.com/CODE` and
 * `streamyard.com/guest/CODE`, where CODE is ten lower-case letters and
 * digits; whoever has it walks into the studio on air. The marketing site
 * shares the host, so its ten-letter pages are listed as not-codes, and
 * `/watch/…` pages are the audience's view of a broadcast, not the studio.
 */
import type { Platform } from './platform.js';

const CODE = /^[a-z0-9]{10}$/;
/** Ten-letter words of StreamYard's own site. */
const NOT_CODES = new Set([
  'enterprise', 'affiliates', 'podcasting', 'nonprofits', 'developers', 'broadcasts', 'recordings', 'livestream',
  'businesses', 'comparison', 'newsletter', 'highlights', 'accessible', 'guidelines', 'interviews', 'onboarding',
])

export const streamyard: Platform = {
  slug: 'streamyard',
  domains: ['streamyard.com'],
  keywords: ['streamyard'],
  parse(link) {
    if (link.host !== 'streamyard.com' && link.host !== 'www.streamyard.com') return null;
    const parts = link.segments;
    const code = parts[0] === 'guest' && parts.length === 2 ? parts[1] : parts.length === 1 ? parts[0] : undefined;
    if (code === undefined || !CODE.test(code) || (!/\d/.test(code) && NOT_CODES.has(code))) return null;
    return { meetingId: code, url: `https://streamyard.com/${code}` };
  },
};
