/**
 * Venue virtual events (catalogue row 57): `app.venue.live/app/EVENT?token=…`;
 * the token admits its holder and is reported as the passcode.
 */
import { pathPlatform } from './platform.js';

export const venue = pathPlatform({
  slug: 'venue',
  domains: ['venue.live'],
  hosts: ['app.venue.live'],
  keywords: [String.raw`venue\.live`],
  path: /^\/app\/([A-Za-z0-9][A-Za-z0-9_-]{2,63})\/?$/,
  reserved: ['login', 'signup', 'sign-up', 'register', 'dashboard', 'settings', 'account', 'logout', 'home', 'events', 'new', 'create'],
  passcodeParam: 'token',
});
