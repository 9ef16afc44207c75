/**
 * Nextcloud Talk (catalogue row 33), self-hosted: `/call/TOKEN` or
 * `/index.php/call/TOKEN`. `/call/` alone is too common a path, so a bare
 * `/call/` counts only on a host that calls itself a cloud.
 */
import type { Platform } from './platform.js';

const CALL = /^(\/index\.php)?\/call\/([a-z0-9]{8,32})\/?$/;

export const nextcloudTalk: Platform = {
  slug: 'nextcloud-talk',
  selfHosted: true,
  selfHostedHint: /\/call\//,
  keywords: [String.raw`\/call`],
  parse(link) {
    const m = CALL.exec(link.path);
    if (m?.[2] === undefined) return null;
    if (m[1] === undefined && !/(?:^|[.-])(?:nextcloud|cloud|nc)(?:[.-]|$)/.test(link.host)) return null;
    return { meetingId: m[2], url: `https://${link.host}${m[0]}`, orgHint: { kind: 'meeting-domain', value: link.host } };
  },
};
