/**
 * Jitsi Meet (catalogue row 14): `meet.jit.si/ROOM` and self-hosted servers,
 * recognised by a `meet.`/`jitsi.` host with one room segment. A self-hosted
 * domain names its organisation; the public meet.jit.si does not.
 */
import { percentDecode, segments } from '../link.js';
import { domainOf, type Platform } from './platform.js';

/** Paths a Jitsi server serves that are not rooms. */
const NOT_ROOMS = new Set([
  'static', 'libs', 'css', 'images', 'sounds', 'lang', 'fonts', 'http-bind', 'xmpp-websocket', 'colibri-ws',
  'about', 'login', 'logout', 'welcome', 'privacy', 'terms', 'faq', 'download', 'apps', 'api', 'help', 'settings',
  'dashboard', 'index', 'home', 'connection_optimization', 'security', 'blog', 'meetings', 'meeting', 'rooms',
]);
const ROOM = /^[^\s/?#.<>"'`]{3,128}$/u;
const SELF_HOSTED = /^(?:meet|jitsi|jitsi-meet|jitsimeet|visio|jitsi\d*)\.|\.jitsi\./;

/** The room a Jitsi path names, or null. */
function jitsiRoom(path: string): string | null {
  const parts = segments(path);
  if (parts.length !== 1) return null;
  const room = percentDecode(parts[0] ?? '');
  return ROOM.test(room) && !NOT_ROOMS.has(room.toLowerCase()) ? room : null;
}

export const jitsi: Platform = {
  slug: 'jitsi',
  domains: ['jit.si'],
  selfHosted: true,
  selfHostedHint: /^(?:meet|jitsi|jitsi-meet|jitsimeet|visio|jitsi\d*)\.|\.jitsi\./,
  keywords: ['jit', 'jitsi', 'jitsi-meet', 'meet'],
  parse(link) {
    const isPublic = domainOf(link.host, ['jit.si']) !== null;
    // A server of one's own has a name under one's domain (jitsi.school.example); jitsi.org is the project's site.
    if (!isPublic && (!SELF_HOSTED.test(link.host) || link.host.split('.').length < 3)) return null;
    const room = jitsiRoom(link.path);
    if (room === null) return null;
    return {
      meetingId: room,
      url: `https://${link.host}/${encodeURIComponent(room)}`,
      orgHint: isPublic ? null : { kind: 'meeting-domain', value: link.host },
    };
  },
};
