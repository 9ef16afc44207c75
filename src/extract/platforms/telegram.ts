/**
 * Telegram video chats and live streams (catalogue row 86):
 * `t.me/GROUP?videochat`, `?voicechat`, `?livestream`. A plain `t.me/GROUP`
 * is a chat link, not a meeting.
 */
import { param } from '../link.js';
import type { Platform } from './platform.js';

const NAME = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;

export const telegram: Platform = {
  slug: 'telegram',
  domains: ['t.me', 'telegram.me'],
  keywords: [String.raw`(?<![a-z])t\.me`, 'telegram'],
  parse(link) {
    const parts = link.segments;
    const name = parts[0] ?? '';
    if (parts.length !== 1 || !NAME.test(name)) return null;
    for (const kind of ['videochat', 'voicechat', 'livestream']) {
      const invite = param(link.query, kind);
      if (invite !== null) {
        return { meetingId: name, passcode: invite === '' ? null : invite, url: `https://t.me/${name}?${kind}${invite ? `=${invite}` : ''}` };
      }
    }
    return null;
  },
};
