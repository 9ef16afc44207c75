/**
 * Suit Conference by Turkcell (catalogue row 59):
 * `TENANT.conference.istesuit.com/USER`, a user's room on the tenant's own
 * subdomain, which names the organisation.
 */
import { pathPlatform, tenantHint } from './platform.js';

const SHARED = new Set(['www', 'app', 'api', 'help', 'support', 'docs', 'status', 'cdn', 'static']);

export const suitConference = pathPlatform({
  slug: 'suit-conference',
  domains: ['conference.istesuit.com'],
  keywords: ['istesuit'],
  path: /^\/([A-Za-z0-9][A-Za-z0-9._-]{1,63})\/?$/,
  reserved: ['login', 'logout', 'signin', 'signup', 'register', 'admin', 'api', 'static', 'assets', 'help', 'support', 'download', 'downloads', 'settings', 'account', 'dashboard', 'favicon.ico', 'robots.txt'],
  orgHint: (host) => tenantHint(host, 'conference.istesuit.com', SHARED),
});
