/**
 * Vowel meetings (catalogue row 49): `TEAM.vowel.com/#/g/ID`, a single-page
 * app that keeps the room in the fragment. The team subdomain names the
 * organisation.
 */
import { pathPlatform, tenantHint } from './platform.js';

const SHARED = new Set(['www', 'app', 'api', 'help', 'support', 'blog', 'docs', 'status']);

export const vowel = pathPlatform({
  slug: 'vowel',
  domains: ['vowel.com'],
  keywords: ['vowel'],
  path: /^\/g\/([A-Za-z0-9_-]{4,64})\/?$/,
  inFragment: true,
  orgHint: (host) => tenantHint(host, 'vowel.com', SHARED),
});
