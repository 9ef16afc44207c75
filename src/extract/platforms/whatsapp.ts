/** WhatsApp call links (catalogue row 85): `call.whatsapp.com/video/TOKEN`, `/voice/TOKEN`; the token admits. */
import { pathPlatform } from './platform.js';

export const whatsapp = pathPlatform({
  slug: 'whatsapp',
  domains: ['call.whatsapp.com'],
  keywords: ['whatsapp'],
  path: /^\/(?:video|voice)\/([A-Za-z0-9]{16,32})\/?$/,
});
