/**
 * RingCentral Video and legacy RingCentral Meetings (catalogue row 17, §2.5),
 * including the carriers' white-label hosts (AT&T, BT, TELUS, Avaya, Unify,
 * Rainbow, Verizon). Those hosts name the carrier, not the customer, so they
 * give no organisation hint.
 */
import { param } from '../link.js';
import { digitsOf, type Platform } from './platform.js';

const HOSTS = [
  'v.ringcentral.com', 'video.ringcentral.com', 'meetings.ringcentral.com', 'meetings.officeathand.att.com',
  'meetings-officeathand.att.com', 'video.unifyoffice.com', 'video.cloudoffice.avaya.com', 'video.rainbowoffice.com',
  'meetings.btcloudphone.bt.com', 'meetings.businessconnect.telus.com',
];

export const ringcentral: Platform = {
  slug: 'ringcentral',
  domains: HOSTS,
  keywords: ['ringcentral', 'rcv', 'officeathand', 'unifyoffice', 'cloudoffice', 'rainbowoffice', 'btcloudphone', 'businessconnect'],
  parse(link) {
    const parts = link.segments;
    const first = parts[0]?.toLowerCase();
    const id = first === 'join' || first === 'j' ? digitsOf(parts[1] ?? param(link.query, 'mid') ?? '', 9, 12) : null;
    if (id === null) return null;
    const pw = param(link.query, 'pw') ?? param(link.query, 'pwd');
    const passcode = pw !== null && /^[A-Za-z0-9._-]{1,64}$/.test(pw) ? pw : null;
    const key = first === 'j' ? 'pwd' : 'pw';
    return { meetingId: id, passcode, url: `https://${link.host}/${first}/${id}${passcode ? `?${key}=${passcode}` : ''}` };
  },
};
