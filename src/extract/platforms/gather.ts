/** Gather (catalogue row 54): `app.gather.town/app/SPACE/NAME`. */
import { pathPlatform } from './platform.js';

export const gather = pathPlatform({
  slug: 'gather',
  domains: ['gather.town'],
  hosts: ['app.gather.town'],
  keywords: ['gather'],
  path: /^\/app\/([A-Za-z0-9]{8,32}\/[A-Za-z0-9_%-]{1,64})\/?$/,
});
