/**
 * BigBlueButton with Greenlight (catalogue row 32): always self-hosted, often
 * by a university, so the host names the organisation. Greenlight v3
 * `/rooms/xxx-xxx-xxx-xxx/join`, v2 `/b/xxx-xxx-xxx` and `/gl/…`, and raw API
 * `/bigbluebutton/api/join?meetingID=…&password=…` links.
 */
import { param } from '../link.js';
import type { Platform } from './platform.js';

const ROOM = /^[a-z0-9]{2,4}(?:-[a-z0-9]{3}){2,3}$/;

export const bigbluebutton: Platform = {
  slug: 'bigbluebutton',
  selfHosted: true,
  selfHostedHint: /\/(?:b|rooms|gl|bigbluebutton)\//i,
  keywords: [String.raw`\/(?:b|rooms|gl|bigbluebutton)`],
  parse(link) {
    const parts = link.segments;
    const lower = parts.map((p) => p.toLowerCase());
    const hint = { kind: 'meeting-domain' as const, value: link.host };
    const api = lower.indexOf('bigbluebutton');
    if (api >= 0 && lower[api + 1] === 'api' && lower[api + 2] === 'join') {
      const id = param(link.query, 'meetingID');
      if (id === null || !/^[^\s]{1,256}$/.test(id)) return null;
      return { meetingId: id, passcode: param(link.query, 'password'), url: `https://${link.host}${link.path}?meetingID=${encodeURIComponent(id)}`, orgHint: hint };
    }
    let at = lower[0] === 'gl' ? 1 : 0;
    if (lower[at] === 'rooms' || lower[at] === 'b') at++;
    else if (lower[0] !== 'gl') return null;
    const room = lower[at] ?? '';
    if (!ROOM.test(room) || parts.length > at + 2 || (parts.length === at + 2 && lower[at + 1] !== 'join')) return null;
    const prefix = parts.slice(0, at).join('/');
    return { meetingId: room, url: `https://${link.host}/${prefix}/${room}${lower[0] === 'rooms' ? '/join' : ''}`, orgHint: hint };
  },
};
