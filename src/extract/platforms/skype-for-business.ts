/**
 * Skype for Business / Lync (catalogue rows 7–8): Online
 * `meet.lync.com/TENANT/USER/CONFID` and Server `meet.CORP/USER/CONFID`, where
 * the corporate domain names the organisation.
 */
import { domainOf, type Platform } from './platform.js';

const USER = /^[A-Za-z0-9._-]{1,64}$/;
const CONF = /^[A-Za-z0-9]{6,12}$/;

export const skypeForBusiness: Platform = {
  slug: 'skype-for-business',
  domains: ['lync.com'],
  selfHosted: true,
  selfHostedHint: /^meet\./,
  keywords: ['lync', 'meet'],
  parse(link) {
    const parts = link.segments;
    const online = domainOf(link.host, ['lync.com']) !== null;
    if (!online && !/^meet\./.test(link.host)) return null;
    const need = online ? 3 : 2;
    const conf = parts[need - 1] ?? '';
    if (parts.length !== need || !parts.slice(0, need - 1).every((p) => USER.test(p)) || !CONF.test(conf) || !/\d/.test(conf)) return null;
    return { meetingId: conf, url: `https://${link.host}/${parts.join('/')}`, orgHint: online ? null : { kind: 'meeting-domain', value: link.host } };
  },
};
