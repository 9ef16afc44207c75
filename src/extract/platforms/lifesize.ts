/** Lifesize cloud (catalogue row 19): `call.lifesizecloud.com/EXTENSION`. */
import { pathPlatform } from './platform.js';

export const lifesize = pathPlatform({
  slug: 'lifesize',
  domains: ['lifesizecloud.com'],
  hosts: ['call.lifesizecloud.com'],
  keywords: ['lifesizecloud'],
  path: /^\/(\d{3,12})\/?$/,
});
