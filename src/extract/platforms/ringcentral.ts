/**
 * RingCentral Video and legacy RingCentral Meetings (catalogue row 17, §2.5),
 * including the carriers' white-label hosts (AT&T, BT, TELUS, Avaya, Unify,
 * Rainbow, Verizon). Those hosts name the carrier, not the customer, so they
 * give no organisation hint. Joins are `/join/ID` and `/j/ID`; `/s/ID` starts
 * a legacy meeting as its host; a webinar attendee's own link is
 * `/w/a/join/TOKEN` (an invitee's `/w/join/TOKEN`), the token being the key.
 */
import { param } from '../link.js';
import { digitsOf, type Platform } from './platform.js';

const HOSTS = [
  'v.ringcentral.com', 'video.ringcentral.com', 'meetings.ringcentral.com', 'meetings.officeathand.att.com',
  'meetings-officeathand.att.com', 'video.unifyoffice.com', 'video.cloudoffice.avaya.com', 'video.rainbowoffice.com',
  'meetings.btcloudphone.bt.com', 'meetings.businessconnect.telus.com',
];

const WEBINAR_TOKEN = /^[A-Za-z0-9]{16,40}$/;

export const ringcentral: Platform = {
  slug: 'ringcentral',
  domains: HOSTS,
  keywords: ['ringcentral', 'rcv', 'officeathand', 'unifyoffice', 'cloudoffice', 'rainbowoffice', 'btcloudphone', 'businessconnect'],
  parse(link) {
    const parts = link.segments;
    const first = parts[0]?.toLowerCase();
    if (first === 'w') {
      const webinar = parts.slice(parts[1]?.toLowerCase() === 'a' ? 2 : 1);
      const token = webinar[1];
      if (webinar[0]?.toLowerCase() !== 'join' || webinar.length !== 2 || token === undefined || !WEBINAR_TOKEN.test(token)) return null;
      return { meetingId: token, url: `https://${link.host}/${parts.join('/')}` };
    }
    if (first === 's') {
      const id = digitsOf(parts[1] ?? '', 9, 12);
      return id === null ? null : { meetingId: id, url: `https://${link.host}/j/${id}`, hostStart: true };
    }
    const id = first === 'join' || first === 'j' ? digitsOf(parts[1] ?? param(link.query, 'mid') ?? '', 9, 12) : null;
    if (id === null) return null;
    const pw = param(link.query, 'pw') ?? param(link.query, 'pwd');
    const passcode = pw !== null && /^[A-Za-z0-9._-]{1,64}$/.test(pw) ? pw : null;
    const key = first === 'j' ? 'pwd' : 'pw';
    return { meetingId: id, passcode, url: `https://${link.host}/${first}/${id}${passcode ? `?${key}=${passcode}` : ''}` };
  },
};
