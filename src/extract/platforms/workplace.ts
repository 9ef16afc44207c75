/** Meta Workplace calls (catalogue row 75): `ORG.workplace.com/groupcall/ID?token=`. */
import { pathPlatform } from './platform.js';

export const workplace = pathPlatform({
  slug: 'workplace',
  domains: ['workplace.com'],
  keywords: ['workplace'],
  path: /^\/groupcall\/([A-Za-z0-9_-]{4,64})\/?$/,
});
