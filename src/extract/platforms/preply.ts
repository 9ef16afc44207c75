/**
 * Preply classrooms (catalogue row 69): `preply.com/LANG/chat/t-room/ID`, the
 * room a tutor and student meet in; the language segment is optional.
 * Tutor profiles and the rest of the site are not meetings.
 */
import { pathPlatform } from './platform.js';

export const preply = pathPlatform({
  slug: 'preply',
  domains: ['preply.com'],
  hosts: ['preply.com', 'www.preply.com'],
  keywords: ['preply'],
  path: /^(?:\/[a-z]{2}(?:-[a-z]{2})?)?\/chat\/t-room\/(\d{5,10})\/?$/,
});
