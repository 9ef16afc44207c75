/**
 * Zoom, ZoomGov, Zoom X and Zoom China (catalogue rows 1–2, §2.1). Every join
 * family: `/j/`, `/s/` (host start), `/w/` (webinar), `/wc/join/ID`,
 * `/wc/ID/join`, `/launch/…/ID`, `/join?confno=`, `/my/NAME` (personal link)
 * and the `zoommtg://` / `zoomus://` deep links.
 */
import { param, type Link } from '../link.js';
import { digitsOf, domainOf, joinUrl, subdomainOf, type LinkMeeting, type Platform } from './platform.js';

const DOMAINS = ['zoom.us', 'zoom.com', 'zoomgov.com', 'zoom.com.cn', 'zoom-x.de'] as const;

/** Subdomains every account shares: web clusters (`us02web`), the app host and Zoom's own sites. */
const SHARED_SUBDOMAIN = /^(?:www|app|web|pwa|events|api|support|explore|community|marketplace|developers|blog|status|go|news|success|learning|zoom|[a-z]{2}\d{2}(?:web|st\d{0,2}|events|wcc)?)$/;

/** Zoom meeting ids: 9 digits before April 2020, 10 for personal meeting ids, 11 otherwise. */
const MIN_ID = 9;
const MAX_ID = 11;

/** `pwd` is an encoded token (30 alphanumerics + `.1`, or legacy base64 ending in `09`). */
const PWD = /^[A-Za-z0-9._~+/=-]{1,128}$/;
const PERSONAL_LINK = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;

function vanity(host: string): string | null {
  const domain = domainOf(host, DOMAINS);
  if (domain === null) return null;
  const sub = subdomainOf(host, domain);
  const label = sub.slice(sub.lastIndexOf('.') + 1);
  return label === '' || SHARED_SUBDOMAIN.test(label) ? null : label;
}

function meeting(host: string, id: string, link: Link, hostStart: boolean): LinkMeeting {
  // Some share buttons put the passcode in the fragment (`/j/845…#pwd=…`).
  const pwdRaw = param(link.query, 'pwd') ?? param(link.fragment, 'pwd');
  const passcode = pwdRaw !== null && PWD.test(pwdRaw) ? pwdRaw : null;
  const sub = vanity(host);
  return {
    meetingId: id,
    passcode,
    url: joinUrl(host, `/j/${id}`, { pwd: passcode }),
    host,
    orgHint: sub === null ? null : { kind: 'zoom-subdomain', value: sub },
    hostStart: hostStart || param(link.query, 'zak') !== null || param(link.fragment, 'zak') !== null,
  };
}

function idFromPath(parts: readonly string[]): { id: string; start: boolean } | null {
  const [first, second, third] = parts.map((p) => p.toLowerCase());
  const raw = parts;
  switch (first) {
    case 'j':
    case 's':
    case 'w': {
      const id = digitsOf(raw[1] ?? '', MIN_ID, MAX_ID);
      return id === null ? null : { id, start: first === 's' };
    }
    case 'wc': {
      if (second === 'join') {
        const id = digitsOf(raw[2] ?? '', MIN_ID, MAX_ID);
        return id === null ? null : { id, start: false };
      }
      const id = digitsOf(raw[1] ?? '', MIN_ID, MAX_ID);
      return id === null ? null : { id, start: third === 'start' };
    }
    case 'launch': {
      for (const part of raw.slice(1)) {
        const id = digitsOf(part, MIN_ID, MAX_ID);
        if (id !== null) return { id, start: false };
      }
      return null;
    }
    default:
      return null;
  }
}

export const zoom: Platform = {
  slug: 'zoom',
  domains: DOMAINS,
  schemes: ['zoommtg', 'zoomus'],
  keywords: ['zoom', 'zoomgov', 'zoom-x', 'zoommtg', 'zoomus', 'zoomcrc'],
  parse(link) {
    const deep = link.scheme === 'zoommtg' || link.scheme === 'zoomus';
    const host = deep ? (domainOf(link.host, DOMAINS) === null ? 'zoom.us' : link.host) : link.host;
    const parts = link.segments;
    const action = (deep ? param(link.query, 'action') ?? parts[0] : parts[0])?.toLowerCase();
    if (deep || action === 'join' || action === 'start') {
      const id = digitsOf(param(link.query, 'confno') ?? '', MIN_ID, MAX_ID);
      return id === null ? null : meeting(host, id, link, action === 'start');
    }
    if (action === 'my') {
      const name = parts[1] ?? '';
      if (!PERSONAL_LINK.test(name)) return null;
      const sub = vanity(host);
      const personal = name.toLowerCase();
      const pwd = param(link.query, 'pwd') ?? param(link.fragment, 'pwd');
      const passcode = pwd !== null && PWD.test(pwd) ? pwd : null;
      return {
        meetingId: personal,
        passcode,
        url: joinUrl(host, `/my/${personal}`, { pwd: passcode }),
        orgHint: sub === null ? null : { kind: 'zoom-subdomain', value: sub },
      };
    }
    const found = idFromPath(parts);
    return found === null ? null : meeting(host, found.id, link, found.start);
  },
};
