/**
 * Google Duo group-call links (catalogue row 5), since folded into Meet but
 * still in old posts: `duo.app.goo.gl/TOKEN`, a 22-character token.
 */
import { pathPlatform } from './platform.js';

export const googleDuo = pathPlatform({
  slug: 'google-duo',
  domains: ['duo.app.goo.gl'],
  keywords: [String.raw`duo\.app\.goo\.gl`],
  path: /^\/([A-Za-z0-9]{22})\/?$/,
});
