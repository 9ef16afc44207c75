/** Doxy.me telehealth (catalogue row 44): `doxy.me/ROOM`, `ORG.doxy.me/ROOM`. */
import { pathPlatform } from './platform.js';

export const doxyMe = pathPlatform({
  slug: 'doxy-me',
  domains: ['doxy.me'],
  keywords: ['doxy'],
  path: /^\/([A-Za-z0-9][A-Za-z0-9._-]{2,40})\/?$/,
  reserved: ['en', 'es', 'fr', 'de', 'pricing', 'sign-in', 'signin', 'sign-up', 'signup', 'about', 'blog', 'help', 'support', 'features', 'login', 'terms', 'privacy', 'security', 'hipaa', 'contact', 'careers', 'resources', 'pro', 'clinic', 'enterprise', 'download', 'api'],
});
