/**
 * Zhumu, a Zoom-based Chinese service (catalogue row 27):
 * `welink.zhumu.com/j/ID?pwd=…` and the web client's
 * `welink.zhumu.com/wc/join/ID?wpk=…`, whose `wpk` is the passcode key.
 */
import { param } from '../link.js';
import { joinUrl, type Platform } from './platform.js';

const ID = /^\d{9,11}$/;
const TOKEN = /^[A-Za-z0-9._~-]{1,64}$/;

export const zhumu: Platform = {
  slug: 'zhumu',
  domains: ['zhumu.com'],
  keywords: ['zhumu'],
  parse(link) {
    const parts = link.segments.map((p) => p.toLowerCase());
    const web = parts[0] === 'wc' && parts[1] === 'join' && parts.length === 3;
    const id = web ? link.segments[2] : parts[0] === 'j' && parts.length === 2 ? link.segments[1] : undefined;
    if (id === undefined || !ID.test(id)) return null;
    const key = web ? 'wpk' : 'pwd';
    const raw = param(link.query, key);
    const passcode = raw !== null && TOKEN.test(raw) ? raw : null;
    return { meetingId: id, passcode, url: joinUrl(link.host, web ? `/wc/join/${id}` : `/j/${id}`, { [key]: passcode }) };
  },
};
