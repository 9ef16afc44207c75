/** FreeConferenceCall.com (catalogue row 40): `join.freeconferencecall.com/ACCOUNT`. */
import { pathPlatform } from './platform.js';

export const freeConferenceCall = pathPlatform({
  slug: 'freeconferencecall',
  domains: ['freeconferencecall.com'],
  hosts: ['join.freeconferencecall.com'],
  keywords: ['freeconferencecall'],
  path: /^\/([A-Za-z0-9][A-Za-z0-9._-]{1,40})\/?$/,
});
