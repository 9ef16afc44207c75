/** join.me (catalogue row 38): `join.me/NAME`; the product pages share the host. */
import { pathPlatform } from './platform.js';

export const joinMe = pathPlatform({
  slug: 'join-me',
  domains: ['join.me'],
  keywords: [String.raw`(?<![a-z])join`],
  path: /^\/([A-Za-z0-9][A-Za-z0-9-]{2,40})\/?$/,
  reserved: ['pricing', 'app', 'login', 'signup', 'download', 'help', 'features', 'support', 'business', 'meeting', 'about', 'blog', 'en', 'resources', 'home', 'free', 'pro'],
});
