/**
 * Skype consumer meeting invites (catalogue row 9): `join.skype.com/INVITE`
 * and `join.skype.com/invite/INVITE`. Retired in 2025 but still in archived posts.
 */
import { pathPlatform } from './platform.js';

export const skype = pathPlatform({
  slug: 'skype',
  domains: ['skype.com'],
  hosts: ['join.skype.com'],
  keywords: ['skype'],
  path: /^(?:\/invite)?\/([A-Za-z0-9]{8,20})\/?$/,
});
