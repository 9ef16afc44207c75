/** Kontur.Talk (catalogue row 31): `ORG.ktalk.ru/ROOM`. */
import { pathPlatform } from './platform.js';

export const konturTalk = pathPlatform({
  slug: 'kontur-talk',
  domains: ['ktalk.ru'],
  keywords: ['ktalk'],
  path: /^\/([A-Za-z0-9_-]{4,64})\/?$/,
  reserved: ['login', 'signin', 'about', 'help', 'support', 'download', 'pricing', 'api', 'static', 'assets'],
});
