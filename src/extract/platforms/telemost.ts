/** Yandex Telemost (catalogue row 29): `telemost.yandex.ru/j/ID` (14–20 digits). */
import { pathPlatform } from './platform.js';

export const telemost = pathPlatform({
  slug: 'telemost',
  domains: ['telemost.yandex.ru', 'telemost.360.yandex.ru', 'telemost.yandex.com'],
  keywords: ['telemost'],
  path: /^\/j\/(\d{14,20})\/?$/,
});
