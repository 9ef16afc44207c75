/**
 * Google Hangouts, retired but archived (catalogue row 4): `/call/ID`, the
 * calendar's `/hangouts/_/ID` (27 lower-case characters) and a Workspace
 * domain's named hangout `/hangouts/_/DOMAIN/NAME`, whose key is
 * `DOMAIN/NAME` as the link prints it.
 */
import type { Platform } from './platform.js';

const CALL = /^\/call\/([A-Za-z0-9_-]{6,64})\/?$/;
const CALENDAR = /^\/hangouts\/_\/([a-z0-9]{27})\/?$/;
const NAMED = /^\/hangouts\/_\/((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\/[A-Za-z0-9._-]{1,64})\/?$/i;

export const googleHangouts: Platform = {
  slug: 'google-hangouts',
  domains: ['hangouts.google.com'],
  keywords: ['hangouts'],
  parse(link) {
    const m = CALL.exec(link.path) ?? CALENDAR.exec(link.path);
    if (m?.[1] !== undefined) return { meetingId: m[1], url: `https://hangouts.google.com${m[0]}` };
    const named = NAMED.exec(link.path)?.[1];
    if (named === undefined) return null;
    const slash = named.indexOf('/');
    const key = `${named.slice(0, slash).toLowerCase()}${named.slice(slash)}`;
    return { meetingId: key, url: `https://hangouts.google.com/hangouts/_/${key}` };
  },
};
