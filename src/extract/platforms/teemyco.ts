/**
 * Teemyco virtual offices (catalogue row 56): `app.teemyco.com/room/OFFICE/ROOM`,
 * each a 20-character key; a room opened to guests admits whoever has the
 * link. The meeting key is `OFFICE/ROOM`.
 */
import { pathPlatform } from './platform.js';

export const teemyco = pathPlatform({
  slug: 'teemyco',
  domains: ['teemyco.com'],
  hosts: ['app.teemyco.com'],
  keywords: ['teemyco'],
  path: /^\/room\/([A-Za-z0-9]{20}\/[A-Za-z0-9]{20})\/?$/,
});
