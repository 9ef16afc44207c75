/** Demio webinars (catalogue row 46): `event.demio.com/ref/CODE`, a personal join token. */
import { pathPlatform } from './platform.js';

export const demio = pathPlatform({
  slug: 'demio',
  domains: ['event.demio.com'],
  keywords: ['demio'],
  path: /^\/ref\/([A-Za-z0-9]{6,32})\/?$/,
});
