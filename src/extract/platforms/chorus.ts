/** Chorus (ZoomInfo) meeting rooms (catalogue row 72): `go.chorus.ai/ID`, a numeric room id. */
import { pathPlatform } from './platform.js';

export const chorus = pathPlatform({
  slug: 'chorus',
  domains: ['chorus.ai'],
  hosts: ['go.chorus.ai'],
  keywords: [String.raw`chorus\.ai`],
  path: /^\/(\d{6,12})\/?$/,
});
