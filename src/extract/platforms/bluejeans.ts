/**
 * BlueJeans (catalogue row 13): `bluejeans.com/ID[/PASSCODE][/browser]` on
 * the main or an organisation's subdomain, and BlueJeans Events
 * `primetime.bluejeans.com/a2m/live-event/CODE`. `/s/CODE` and Events
 * `/a2m/events/playback/…` are recordings, not meetings.
 */
import { digitsOf, type Platform } from './platform.js';

/** A BlueJeans Events sharing code. */
const EVENT = /^[a-z0-9]{6,16}$/;

export const bluejeans: Platform = {
  slug: 'bluejeans',
  domains: ['bluejeans.com'],
  keywords: ['bluejeans', 'bjn'],
  parse(link) {
    if (/^(?:support|docs|status|developers?|blog|store)\./.test(link.host)) return null;
    const parts = link.segments;
    if (link.host === 'primetime.bluejeans.com') {
      const code = parts[0]?.toLowerCase() === 'a2m' && parts[1]?.toLowerCase() === 'live-event' && parts.length === 3 ? parts[2] : undefined;
      if (code === undefined || !EVENT.test(code)) return null;
      return { meetingId: code, url: `https://primetime.bluejeans.com/a2m/live-event/${code}` };
    }
    const id = digitsOf(parts[0] ?? '', 6, 11);
    if (id === null) return null;
    const pass = /^\d{4,6}$/.test(parts[1] ?? '') ? (parts[1] ?? null) : null;
    return { meetingId: id, passcode: pass, url: `https://bluejeans.com/${id}${pass === null ? '' : `/${pass}`}` };
  },
};
