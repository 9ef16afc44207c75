/** Lark and Feishu video meetings (catalogue row 26): `vc.larksuite.com/j/ID`, `vc.feishu.cn/j/ID`. */
import { pathPlatform } from './platform.js';

export const lark = pathPlatform({
  slug: 'lark',
  domains: ['larksuite.com', 'feishu.cn'],
  hosts: ['vc.larksuite.com', 'vc.feishu.cn'],
  keywords: ['larksuite', 'feishu'],
  path: /^\/j\/(\d{9,12})\/?$/,
});
