/** Google Hangouts, retired but archived (catalogue row 4): `hangouts.google.com/call/ID`. */
import { pathPlatform } from './platform.js';

export const googleHangouts = pathPlatform({
  slug: 'google-hangouts',
  domains: ['hangouts.google.com'],
  keywords: ['hangouts'],
  path: /^\/call\/([A-Za-z0-9_-]{6,64})\/?$/,
});
