/** Riverside studios (catalogue row 65): `riverside.fm/studio/NAME?t=TOKEN`. */
import { pathPlatform } from './platform.js';

export const riverside = pathPlatform({
  slug: 'riverside',
  domains: ['riverside.fm', 'riverside.com'],
  keywords: ['riverside'],
  path: /^\/studio\/([A-Za-z0-9_-]{2,64})\/?$/,
  passcodeParam: 't',
});
