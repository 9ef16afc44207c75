/** Pumble meetings (catalogue row 58): `meet.pumble.com/abc-defg-hij`. */
import { pathPlatform } from './platform.js';

export const pumble = pathPlatform({
  slug: 'pumble',
  domains: ['meet.pumble.com'],
  keywords: ['pumble'],
  path: /^\/([a-z]{3}-[a-z]{4}-[a-z]{3})\/?$/,
});
