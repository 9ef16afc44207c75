/** SaluteJazz (catalogue row 30): `salutejazz.ru/calls/ROOM?psw=PASSWORD`. */
import { pathPlatform } from './platform.js';

export const salutejazz = pathPlatform({
  slug: 'salutejazz',
  domains: ['salutejazz.ru', 'jazz.sber.ru'],
  keywords: ['salutejazz', 'sber'],
  path: /^\/calls\/([A-Za-z0-9_-]{4,64})\/?$/,
  passcodeParam: 'psw',
});
