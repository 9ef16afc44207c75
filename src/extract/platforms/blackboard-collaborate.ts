/** Blackboard Collaborate (catalogue row 35), common in schools: `us.bbcollab.com/guest/HEX32` and `/invite/HEX32`; the guest link itself admits. */
import { pathPlatform } from './platform.js';

export const blackboardCollaborate = pathPlatform({
  slug: 'blackboard-collaborate',
  domains: ['bbcollab.com'],
  keywords: ['bbcollab'],
  path: /^\/(?:guest|invite)\/([0-9A-Fa-f]{32})\/?$/,
});
