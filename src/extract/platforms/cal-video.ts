/** Cal Video (catalogue row 60): `app.cal.com/video/UID`. */
import { pathPlatform } from './platform.js';

export const calVideo = pathPlatform({
  slug: 'cal-video',
  domains: ['app.cal.com'],
  keywords: [String.raw`(?<![a-z])cal`],
  path: /^\/video\/([A-Za-z0-9]{6,40})\/?$/,
});
