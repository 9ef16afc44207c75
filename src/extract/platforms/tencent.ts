/** Tencent Meeting and VooV Meeting (catalogue row 25): `meeting.tencent.com/dm/CODE`. */
import { pathPlatform } from './platform.js';

export const tencent = pathPlatform({
  slug: 'tencent',
  domains: ['meeting.tencent.com', 'voovmeeting.com'],
  keywords: ['tencent', 'voovmeeting'],
  path: /^\/dm\/([A-Za-z0-9]{8,16})\/?$/,
});
