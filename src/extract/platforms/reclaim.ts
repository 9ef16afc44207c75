/**
 * Reclaim.ai meeting links (catalogue row 74): `reclaim.ai/z/KEY[/KEY]`, a
 * stable link Reclaim writes into calendar events that forwards to the
 * event's Zoom meeting; the path after `/z/` is the meeting key.
 */
import { pathPlatform } from './platform.js';

const KEY = String.raw`[A-Za-z0-9_-][A-Za-z0-9._-]{3,63}`;

export const reclaim = pathPlatform({
  slug: 'reclaim',
  domains: ['reclaim.ai'],
  hosts: ['reclaim.ai', 'www.reclaim.ai', 'app.reclaim.ai'],
  keywords: [String.raw`reclaim\.ai`],
  path: new RegExp(String.raw`^\/z\/(${KEY}(?:\/${KEY})?)\/?$`),
});
