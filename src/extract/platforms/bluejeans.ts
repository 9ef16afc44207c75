/**
 * BlueJeans (catalogue row 13): `bluejeans.com/ID[/PASSCODE][/browser]` on
 * the main or an organisation's subdomain. `/s/CODE` is a recording share,
 * not a meeting.
 */
import { digitsOf, type Platform } from './platform.js';

export const bluejeans: Platform = {
  slug: 'bluejeans',
  domains: ['bluejeans.com'],
  keywords: ['bluejeans', 'bjn'],
  parse(link) {
    if (/^(?:support|docs|status|developers?|blog|store)\./.test(link.host)) return null;
    const parts = link.segments;
    const id = digitsOf(parts[0] ?? '', 6, 11);
    if (id === null) return null;
    const pass = /^\d{4,6}$/.test(parts[1] ?? '') ? (parts[1] ?? null) : null;
    return { meetingId: id, passcode: pass, url: `https://bluejeans.com/${id}${pass === null ? '' : `/${pass}`}` };
  },
};
