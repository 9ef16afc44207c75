/** LiveKit Meet (catalogue row 62): `meet.livekit.io/rooms/ROOM`. */
import { pathPlatform } from './platform.js';

export const livekit = pathPlatform({
  slug: 'livekit',
  domains: ['meet.livekit.io', 'meet.staging.livekit.io'],
  keywords: ['livekit'],
  path: /^\/rooms\/([A-Za-z0-9_-]{2,64})\/?$/,
});
