/** Tuple (catalogue row 53): `tuple.app/c/ID`. */
import { pathPlatform } from './platform.js';

export const tuple = pathPlatform({
  slug: 'tuple',
  domains: ['tuple.app'],
  keywords: ['tuple'],
  path: /^\/c\/([A-Za-z0-9_-]{6,40})\/?$/,
});
