/**
 * Amazon Chime (catalogue row 16, §2.5): `chime.aws/ID` (10 digits or a
 * personalised id), `app.chime.aws/meetings/ID` and `chime://meeting?pin=ID`.
 */
import { param } from '../link.js';
import { digitsOf, type Platform } from './platform.js';

const PERSONAL = /^[A-Za-z][A-Za-z0-9._-]{2,40}$/;
const NOT_MEETINGS = new Set(['download', 'downloads', 'dialinnumbers', 'meetings', 'signin', 'home', 'about', 'pricing', 'features', 'support', 'help', 'sdk', 'getchime', 'rooms', 'business-calling']);

function id(s: string): string | null {
  return digitsOf(s, 10, 10) ?? (PERSONAL.test(s) && !NOT_MEETINGS.has(s.toLowerCase()) ? s : null);
}

export const chime: Platform = {
  slug: 'chime',
  domains: ['chime.aws'],
  schemes: ['chime'],
  keywords: ['chime'],
  parse(link) {
    const parts = link.segments;
    let meetingId: string | null;
    if (link.scheme === 'chime') meetingId = id(param(link.query, 'pin') ?? '');
    else if (link.host === 'app.chime.aws') meetingId = parts[0]?.toLowerCase() === 'meetings' ? id(parts[1] ?? '') : null;
    else if (link.host === 'chime.aws') meetingId = parts.length === 1 ? id(parts[0] ?? '') : null;
    else meetingId = null;
    return meetingId === null ? null : { meetingId, url: `https://chime.aws/${meetingId}`, host: link.host || 'chime.aws' };
  },
};
