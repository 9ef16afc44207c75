/**
 * Skype for Business / Lync (catalogue rows 7–8): Online
 * `meet.lync.com/TENANT/USER/CONFID` and Server links on the organisation's
 * own meeting simple URL, `meet.CORP/USER/CONFID`, or, as MeetingBar also
 * reads them, `join.CORP/USER/CONFID` and `lync.CORP/meet/USER/CONFID`; the
 * corporate domain names the organisation. `join.` hosts and `/meet/` paths
 * serve much else, so those forms need a conference id as Lync prints it:
 * eight upper-case letters and digits.
 */
import { domainOf, type Platform } from './platform.js';

const USER = /^[A-Za-z0-9._-]{1,64}$/;
const CONF = /^[A-Za-z0-9]{6,12}$/;
const STRICT_CONF = /^(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{8}$/;
/** Hosts a Server deployment publishes its meeting simple URL on. */
const SERVER_HOST = /^(?:meet|join|lync)\./;

export const skypeForBusiness: Platform = {
  slug: 'skype-for-business',
  domains: ['lync.com'],
  selfHosted: true,
  selfHostedHint: SERVER_HOST,
  keywords: ['lync', 'meet', String.raw`(?<![a-z])join`],
  parse(link) {
    const online = domainOf(link.host, ['lync.com']) !== null;
    if (!online && !SERVER_HOST.test(link.host)) return null;
    // A simple URL may be a path (`https://lync.corp.example/meet`) rather than a host of its own.
    const inPath = !online && link.segments[0]?.toLowerCase() === 'meet';
    const parts = inPath ? link.segments.slice(1) : link.segments;
    const strict = inPath || link.host.startsWith('join.');
    if (!online && !inPath && link.host.startsWith('lync.')) return null;
    const need = online ? 3 : 2;
    const conf = parts[need - 1] ?? '';
    if (parts.length !== need || !parts.slice(0, need - 1).every((p) => USER.test(p))) return null;
    if (strict ? !STRICT_CONF.test(conf) : !CONF.test(conf) || !/\d/.test(conf)) return null;
    return { meetingId: conf, url: `https://${link.host}/${link.segments.join('/')}`, orgHint: online ? null : { kind: 'meeting-domain', value: link.host } };
  },
};
