/**
 * Google Meet (catalogue row 3, §2.2): `meet.google.com/abc-defg-hij`,
 * `/_meet/CODE`, `/lookup/NICKNAME`, `g.co/meet/NICKNAME` and the phone page
 * `tel.meet/CODE?pin=`. `/new`, `/landing` and the bare host are not meetings.
 */
import { param } from '../link.js';
import type { Platform } from './platform.js';

/** Ten letters as 3-4-3; Meet also accepts them without the dashes. */
const CODE = /^([a-z]{3})-?([a-z]{4})-?([a-z]{3})$/i;
const NICKNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$/;

/** `abc-defg-hij` for a Meet code written any way, or null. */
export function meetCode(s: string): string | null {
  const m = CODE.exec(s);
  return m === null ? null : `${m[1]}-${m[2]}-${m[3]}`.toLowerCase();
}

export const googleMeet: Platform = {
  slug: 'google-meet',
  domains: ['meet.google.com', 'g.co', 'tel.meet'],
  keywords: ['meet', String.raw`(?<![a-z])g\.co`, String.raw`(?<![a-z])tel`],
  parse(link) {
    const parts = link.segments;
    if (link.host === 'g.co') {
      const name = parts[1] ?? '';
      if (parts[0]?.toLowerCase() !== 'meet' || !NICKNAME.test(name)) return null;
      return { meetingId: name, url: `https://g.co/meet/${name}` };
    }
    if (link.host === 'tel.meet') {
      const code = meetCode(parts[0] ?? '');
      if (code === null) return null;
      const pin = param(link.query, 'pin');
      return { meetingId: code, passcode: pin !== null && /^\d{4,16}$/.test(pin) ? pin : null, url: `https://meet.google.com/${code}` };
    }
    if (link.host !== 'meet.google.com') return null;
    const first = parts[0] ?? '';
    if (first.toLowerCase() === 'lookup') {
      const name = parts[1] ?? '';
      return NICKNAME.test(name) ? { meetingId: name, url: `https://meet.google.com/lookup/${name}` } : null;
    }
    const code = meetCode(first.toLowerCase() === '_meet' ? (parts[1] ?? '') : first);
    return code === null ? null : { meetingId: code, url: `https://meet.google.com/${code}` };
  },
};
