/**
 * Huawei Cloud Meeting / WeLink (catalogue row 28):
 * `bmeeting.huaweicloud.com/#/j/ID/RANDOM48`, where the 48-hex random part
 * stands in for the password.
 */
import type { Platform } from './platform.js';

const JOIN = /^\/j\/(\d{9,12})(?:\/([0-9A-Fa-f]{48}))?\/?$/;

export const huawei: Platform = {
  slug: 'huawei',
  domains: ['huaweicloud.com'],
  keywords: ['huaweicloud'],
  parse(link) {
    if (!/^b?meeting\./.test(link.host)) return null;
    const m = JOIN.exec(link.fragment) ?? JOIN.exec(link.path);
    if (m?.[1] === undefined) return null;
    return { meetingId: m[1], passcode: m[2] ?? null, url: `https://${link.host}/#/j/${m[1]}${m[2] ? `/${m[2]}` : ''}` };
  },
};
