/**
 * Luma events (catalogue row 68): `lu.ma/join/g-KEY` (and `luma.com`), the
 * guest's own join link, which sends them straight into the event's call.
 * The key is `g-` and 15 characters. Event pages (`lu.ma/NAME`) are public
 * listings, not meetings.
 */
import { pathPlatform } from './platform.js';

export const luma = pathPlatform({
  slug: 'luma',
  domains: ['lu.ma', 'luma.com'],
  // `lu` must start the host, also inside a percent-encoded wrapper (`%2F%2Flu.ma`).
  keywords: [String.raw`(?:(?<![a-z])|(?<=%2f))lu\.ma`, 'luma'],
  path: /^\/join\/(g-[A-Za-z0-9]{15})\/?$/,
});
