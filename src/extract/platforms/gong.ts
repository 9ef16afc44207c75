/** Gong (catalogue row 73): `join.gong.io/COMPANY/USER`. */
import { pathPlatform } from './platform.js';

export const gong = pathPlatform({
  slug: 'gong',
  domains: ['join.gong.io'],
  keywords: ['gong'],
  path: /^\/([A-Za-z0-9_-]{2,64}\/[A-Za-z0-9._-]{2,64})\/?$/,
});
