/** Adobe Connect (catalogue row 34): `ORG.adobeconnect.com/ROOM/`. */
import { pathPlatform } from './platform.js';

export const adobeConnect = pathPlatform({
  slug: 'adobe-connect',
  domains: ['adobeconnect.com'],
  keywords: ['adobeconnect'],
  path: /^\/([A-Za-z0-9_-]{3,64})\/?$/,
  reserved: ['admin', 'system', 'api', 'common', 'content', 'login', 'account', 'help', 'public', 'servlet', 'en', 'home'],
});
