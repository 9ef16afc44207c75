/** Zhumu, a Zoom-based Chinese service (catalogue row 27): `welink.zhumu.com/j/ID?pwd=`. */
import { pathPlatform } from './platform.js';

export const zhumu = pathPlatform({
  slug: 'zhumu',
  domains: ['zhumu.com'],
  keywords: ['zhumu'],
  path: /^\/j\/(\d{9,11})\/?$/,
  passcodeParam: 'pwd',
});
