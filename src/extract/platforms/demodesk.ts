/**
 * Demodesk sales meetings (catalogue row 71): `demodesk.com/CODE`, eight
 * upper-case letters or digits. The marketing site shares the host, but its
 * paths are lower-case words (`/pricing`, `/blog/…`).
 */
import { pathPlatform } from './platform.js';

export const demodesk = pathPlatform({
  slug: 'demodesk',
  domains: ['demodesk.com'],
  hosts: ['demodesk.com', 'www.demodesk.com'],
  keywords: ['demodesk'],
  path: /^\/((?=[A-Z0-9]*[A-Z])[A-Z0-9]{8})\/?$/,
});
