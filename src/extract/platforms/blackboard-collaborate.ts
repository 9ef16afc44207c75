/**
 * Blackboard Collaborate (catalogue row 35), common in schools:
 * `us.bbcollab.com/guest/HEX32` and `/invite/HEX32`, and the older
 * `/collab/ui/session/guest/HEX32` and `/collab/ui/session/join/HEX32`; the
 * guest link itself admits. Recordings (`/collab/ui/session/playback/…`) are
 * not meetings.
 */
import { pathPlatform } from './platform.js';

export const blackboardCollaborate = pathPlatform({
  slug: 'blackboard-collaborate',
  domains: ['bbcollab.com'],
  keywords: ['bbcollab'],
  path: /^\/(?:guest|invite|collab\/ui\/session\/(?:guest|join))\/([0-9A-Fa-f]{32})\/?$/,
});
