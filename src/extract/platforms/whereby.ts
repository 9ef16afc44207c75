/**
 * Whereby (catalogue row 18): `whereby.com/ROOM` and team rooms
 * `TEAM.whereby.com/ROOM`. The marketing site shares the host, so its
 * sections are listed as not-rooms.
 */
import type { Platform } from './platform.js';

const ROOM = /^[a-z0-9][a-z0-9-]{1,40}$/i;
const NOT_ROOMS = new Set([
  'pricing', 'information', 'user', 'login', 'signup', 'sign-up', 'org', 'blog', 'about', 'product', 'products', 'solutions',
  'download', 'support', 'help', 'careers', 'jobs', 'developers', 'legal', 'privacy', 'terms', 'contact', 'embed', 'integrations',
  'features', 'enterprise', 'partners', 'security', 'status', 'api', 'resources', 'teams', 'home', 'use-cases', 'compare', 'press',
  'business', 'education', 'healthcare', 'telehealth', 'new', 'create', 'dashboard', 'account', 'my-rooms', 'en', 'de', 'fr', 'es',
]);

export const whereby: Platform = {
  slug: 'whereby',
  domains: ['whereby.com'],
  keywords: ['whereby'],
  parse(link) {
    if (/^(?:docs|api|status|help|blog)\./.test(link.host)) return null;
    const parts = link.segments;
    const room = parts[0] ?? '';
    if (parts.length !== 1 || !ROOM.test(room) || NOT_ROOMS.has(room.toLowerCase())) return null;
    return { meetingId: room, url: `https://${link.host}/${room}` };
  },
};
