/** Pop (catalogue row 52): `pop.com/j/123-456-789`. */
import { pathPlatform } from './platform.js';

export const pop = pathPlatform({
  slug: 'pop',
  domains: ['pop.com'],
  keywords: [String.raw`(?<![a-z])pop`],
  path: /^\/j\/(\d{3}-\d{3}-\d{3})\/?$/,
});
