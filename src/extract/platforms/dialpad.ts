/** Dialpad Meetings, formerly UberConference (catalogue row 39): `meetings.dialpad.com/room/NAME`, `uberconference.com/NAME`. */
import { pathPlatform } from './platform.js';

export const dialpad = pathPlatform({
  slug: 'dialpad',
  domains: ['meetings.dialpad.com', 'uberconference.com'],
  keywords: ['dialpad', 'uberconference'],
  path: /^\/(?:room\/)?([A-Za-z0-9][A-Za-z0-9._-]{1,40})\/?$/,
  reserved: ['pricing', 'login', 'signup', 'download', 'help', 'features', 'support', 'about', 'blog', 'terms', 'privacy', 'product', 'room', 'home'],
});
