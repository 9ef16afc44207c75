/**
 * oVice virtual spaces (catalogue row 55): each space has its own host,
 * `SPACE.ovice.in` (newer spaces `SPACE.ovice.com`), entered at the root,
 * `/lobby/enter` or a position `/@X,Y`; the web app also opens a space as
 * `app.ovice.com/SPACE[/@X,Y]`. The space is the room and its subdomain names
 * the organisation. The marketing site and help centre share the domains.
 */
import { domainOf, subdomainOf, tenantHint, type Platform } from './platform.js';

const DOMAINS = ['ovice.in', 'ovice.com'];
const SPACE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Paths inside a space that still mean "this space". */
const IN_SPACE = /^(?:\/(?:lobby\/enter|lobby|enter|@-?\d{1,6},-?\d{1,6}))?\/?$/;
/** Subdomains and `app.ovice.com` paths that are oVice's own. */
const SHARED = new Set([
  'www', 'app', 'api', 'help', 'support', 'docs', 'blog', 'status', 'cdn', 'static', 'assets', 'admin', 'login', 'signup',
  'dashboard', 'manage', 'business', 'en', 'ja', 'jp', 'ko', 'zh', 'news', 'partner', 'partners', 'careers', 'pricing', 'features',
  'download', 'logout', 'register', 'settings', 'account', 'contact', 'privacy', 'terms', 'lobby', 'enter',
]);

export const ovice: Platform = {
  slug: 'ovice',
  domains: DOMAINS,
  keywords: ['ovice'],
  parse(link) {
    const domain = domainOf(link.host, DOMAINS);
    if (domain === null) return null;
    if (link.host === 'app.ovice.com') {
      const [space, ...rest] = link.segments;
      if (space === undefined || !SPACE.test(space) || SHARED.has(space) || !IN_SPACE.test(rest.length === 0 ? '' : `/${rest.join('/')}`)) return null;
      return { meetingId: space, url: `https://app.ovice.com/${space}` };
    }
    const hint = tenantHint(link.host, domain, SHARED);
    const space = subdomainOf(link.host, domain);
    if (hint === null || !SPACE.test(space) || !IN_SPACE.test(link.path)) return null;
    return { meetingId: space, url: `https://${link.host}/`, orgHint: hint };
  },
};
