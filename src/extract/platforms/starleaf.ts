/** StarLeaf (catalogue row 37): `meet.starleaf.com/ID`. */
import { pathPlatform } from './platform.js';

export const starleaf = pathPlatform({
  slug: 'starleaf',
  domains: ['meet.starleaf.com'],
  keywords: ['starleaf'],
  path: /^\/(\d{6,12})\/?$/,
});
