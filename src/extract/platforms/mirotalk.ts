/** MiroTalk (catalogue row 80): `p2p.mirotalk.com/join/ROOM`, `sfu.mirotalk.com/join/ROOM`. */
import { pathPlatform } from './platform.js';

export const mirotalk = pathPlatform({
  slug: 'mirotalk',
  domains: ['mirotalk.com'],
  keywords: ['mirotalk'],
  path: /^\/join\/([A-Za-z0-9_-]{3,64})\/?$/,
});
