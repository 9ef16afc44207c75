/** Vonage Meetings (catalogue row 36): `meetings.vonage.com/ID`. */
import { pathPlatform } from './platform.js';

export const vonage = pathPlatform({
  slug: 'vonage',
  domains: ['meetings.vonage.com'],
  keywords: ['vonage'],
  path: /^\/(\d{9,10})\/?$/,
});
