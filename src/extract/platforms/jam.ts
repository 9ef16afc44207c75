/**
 * Jam audio rooms (catalogue row 50): `jam.systems/ROOM`. Jam names a new
 * room with six base-36 characters, or with the topic's slug and four more
 * (`friday-standup-x7k2`). `/new` and `/me` are pages of the app.
 */
import { pathPlatform } from './platform.js';

export const jam = pathPlatform({
  slug: 'jam',
  domains: ['jam.systems'],
  hosts: ['jam.systems', 'beta.jam.systems'],
  keywords: [String.raw`jam\.systems`],
  path: /^\/([a-z0-9]{6}|[a-z0-9]+(?:-[a-z0-9]+)*-[a-z0-9]{4})\/?$/,
});
