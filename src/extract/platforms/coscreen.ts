/**
 * CoScreen (catalogue row 51): `join.coscreen.co/TEAM/ROOM`, where ROOM is a
 * 20-character key. The meeting key is `TEAM/ROOM` as the link prints it.
 */
import { pathPlatform } from './platform.js';

export const coscreen = pathPlatform({
  slug: 'coscreen',
  domains: ['coscreen.co'],
  hosts: ['join.coscreen.co'],
  keywords: ['coscreen'],
  path: /^\/([A-Za-z0-9][A-Za-z0-9_-]{0,63}\/[A-Za-z0-9]{20})\/?$/,
});
