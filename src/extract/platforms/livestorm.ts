/** Livestorm webinars (catalogue row 47): `app.livestorm.com/p/UUID/live`. */
import { pathPlatform } from './platform.js';

export const livestorm = pathPlatform({
  slug: 'livestorm',
  domains: ['livestorm.com'],
  hosts: ['app.livestorm.com'],
  keywords: ['livestorm'],
  path: /^\/p\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/live\/?$/,
});
