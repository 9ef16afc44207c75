/** Around (catalogue row 48): `around.co/r/ROOM`. */
import { pathPlatform } from './platform.js';

export const around = pathPlatform({
  slug: 'around',
  domains: ['around.co'],
  keywords: ['around'],
  path: /^\/r\/([A-Za-z0-9-]{4,32})\/?$/,
});
