/**
 * Cisco Webex (catalogue row 10, §2.4): `SITE.webex.com/SITE/j.php?MTID=…`
 * (and `e.php`, `k2/j.php`), personal rooms `/meet/NAME` and `/join/NAME`,
 * `webappng` and `wbxmjs` join/download links, space meetings `/m/GUID` and
 * `meetings.webex.com/collabs/…` links.
 */
import { param } from '../link.js';
import type { OrgHint } from '../types.js';
import { subdomainOf, type LinkMeeting, type Platform } from './platform.js';

/** Sites Cisco shares between customers, and Cisco's own non-meeting hosts. */
const SHARED_SITE = /^(?:meetings(?:amer|emea|apac|na|eu|ap)?\d*|meet|web|www|signin|login|idbroker|help|blog|api|developer|settings|status|community|collaborationhelp|admin|pr|cdn|akamaicdn|my|business|video|teams|app|\d+)$/;
const MTID = /^[A-Za-z][0-9A-Fa-f]{32}/;
const HEX32 = /^[0-9A-Fa-f]{32}$/;
const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const ROOM = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The customer site a Webex host names, or null for shared and free personal sites. */
export function webexSite(host: string): string | null {
  const sub = subdomainOf(host, 'webex.com');
  if (sub === '' || sub.endsWith('.my') || sub === 'my') return null;
  const labels = sub.split('.');
  const site = labels[labels.length - 1] === 'dmz' ? labels[labels.length - 2] : labels[labels.length - 1];
  return site === undefined || SHARED_SITE.test(site) ? null : site;
}

function hint(host: string): OrgHint | null {
  const site = webexSite(host);
  return site === null ? null : { kind: 'webex-site', value: site };
}

function room(host: string, name: string): LinkMeeting | null {
  if (!ROOM.test(name)) return null;
  return { meetingId: name, url: `https://${host}/meet/${name}`, orgHint: hint(host) };
}

export const webex: Platform = {
  slug: 'webex',
  domains: ['webex.com'],
  keywords: ['webex'],
  parse(link) {
    const host = link.host;
    const parts = link.segments;
    const lower = parts.map((p) => p.toLowerCase());
    const mtid = MTID.exec(param(link.query, 'MTID') ?? param(link.fragment.replace(/^[^?]*\?/, ''), 'MTID') ?? '')?.[0];
    const sitePath = lower[0] === 'webappng' || lower[0] === 'wbxmjs' ? (parts[2] ?? parts[0]) : parts[0];
    if (mtid !== undefined) {
      const site = sitePath ?? host.split('.')[0] ?? '';
      return { meetingId: mtid, url: `https://${host}/${site}/j.php?MTID=${mtid}`, orgHint: hint(host) };
    }
    if (lower[0] === 'meet' || lower[0] === 'join') return room(host, parts[1] ?? '');
    if (lower[1] === 'meet' && parts.length === 3) return room(host, parts[2] ?? '');
    if (lower[0] === 'webappng' && lower[3] === 'dashboard' && lower[4] === 'pmr') return room(host, parts[5] ?? '');
    if ((lower[0] === 'webappng' || lower[0] === 'wbxmjs') && lower.includes('meeting')) {
      const key = parts.find((p) => HEX32.test(p));
      if (key !== undefined && !lower.includes('recording')) return { meetingId: key, url: `https://${host}${link.path}`, orgHint: hint(host) };
      return null;
    }
    if (lower[0] === 'm' && GUID.test(parts[1] ?? '')) {
      const guid = parts[1] ?? '';
      return { meetingId: guid, url: `https://${host}/m/${guid}`, orgHint: hint(host) };
    }
    if (lower[0] === 'collabs') {
      const uuid = param(link.query, 'uuid');
      if (uuid !== null && /^[0-9A-Za-z-]{16,64}$/.test(uuid)) return { meetingId: uuid, url: `https://${host}/collabs/meetings/join?uuid=${uuid}` };
      const number = /meetingNumber=(\d{9,11})/i.exec(link.query + '&' + link.fragment)?.[1];
      if (number !== undefined) return { meetingId: number, url: `https://${host}/collabs/#/meetings/joinbymeetingnumber?meetingNumber=${number}` };
    }
    return null;
  },
};
