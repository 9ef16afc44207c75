/**
 * 8x8 Meet and Jitsi-as-a-Service (catalogue row 15): `8x8.vc/ROOM`,
 * `8x8.vc/TENANT/ROOM` and `8x8.vc/vpaas-magic-cookie-HEX32/ROOM`, where the
 * first segment names the 8x8 or JaaS tenant.
 */
import { percentDecode } from '../link.js';
import type { Platform } from './platform.js';

const NAME = /^[^\s/?#<>"'`]{2,128}$/u;
const NOT_ROOMS = new Set(['static', 'libs', 'css', 'images', 'sounds', 'lang', 'about', 'login', 'download', 'help']);

export const eightByEight: Platform = {
  slug: '8x8',
  domains: ['8x8.vc'],
  keywords: ['8x8'],
  parse(link) {
    const parts = link.segments.map(percentDecode);
    if (parts.length === 0 || parts.length > 2 || !parts.every((p) => NAME.test(p))) return null;
    const room = parts[parts.length - 1] ?? '';
    if (NOT_ROOMS.has(room.toLowerCase()) || room.includes('.') && parts.length === 1) return null;
    const tenant = parts.length === 2 ? (parts[0] ?? '').toLowerCase() : null;
    return {
      meetingId: room,
      url: `https://8x8.vc/${parts.map(encodeURIComponent).join('/')}`,
      orgHint: tenant === null ? null : { kind: '8x8-tenant', value: tenant },
    };
  },
};
