/**
 * Meetecho remote participation (catalogue row 63), used by the IETF and
 * other conferences: `meetings.conf.meetecho.com/CONF/?session=N` (or
 * `?group=WG&item=N`, or an interim's `?short=UUID`). The onsite client
 * `onsiteNNN` is the same session as `ietfNNN`. The conference page without
 * a session, the API and the audio streams are not meetings. The meeting key
 * is `CONF/SESSION` (`ietf122/34071`, `ietf121/masque/1`).
 */
import { param } from '../link.js';
import type { Platform } from './platform.js';

const CONF = /^[a-z][a-z0-9-]{1,40}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOT_CONFERENCES = new Set(['api', 'static', 'assets', 'login', 'admin']);

export const meetecho: Platform = {
  slug: 'meetecho',
  domains: ['meetecho.com'],
  keywords: ['meetecho'],
  parse(link) {
    if (link.host !== 'meetings.conf.meetecho.com') return null;
    const parts = link.segments.map((p) => p.toLowerCase());
    const raw = parts[0];
    if (raw === undefined || parts.length > 1 || !CONF.test(raw) || NOT_CONFERENCES.has(raw)) return null;
    const conf = raw.replace(/^onsite(?=\d)/, 'ietf');
    const session = param(link.query, 'session');
    const short = param(link.query, 'short')?.toLowerCase();
    const group = param(link.query, 'group')?.toLowerCase();
    const item = param(link.query, 'item');
    let key: string;
    let query: string;
    if (session !== null && /^\d{1,10}$/.test(session)) {
      key = session;
      query = `session=${session}`;
    } else if (short !== undefined && UUID.test(short)) {
      key = short;
      query = `short=${short}`;
    } else if (group !== undefined && /^[a-z0-9][a-z0-9-]{0,39}$/.test(group)) {
      const n = item !== null && /^\d{1,3}$/.test(item) ? item : null;
      key = n === null ? group : `${group}/${n}`;
      query = `group=${group}${n === null ? '' : `&item=${n}`}`;
    } else {
      return null;
    }
    return { meetingId: `${conf}/${key}`, url: `https://meetings.conf.meetecho.com/${conf}/?${query}` };
  },
};
