/** VSee (catalogue row 43): `vsee.com/c/NAME`. */
import { pathPlatform } from './platform.js';

export const vsee = pathPlatform({
  slug: 'vsee',
  domains: ['vsee.com'],
  keywords: ['vsee'],
  path: /^\/c\/([A-Za-z0-9._-]{2,40})\/?$/,
});
