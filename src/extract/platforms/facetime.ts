/**
 * FaceTime links (catalogue row 24): `facetime.apple.com/join#v=1&p=ID&k=KEY`.
 * The key travels in the fragment and is the secret.
 */
import { param } from '../link.js';
import type { Platform } from './platform.js';

export const facetime: Platform = {
  slug: 'facetime',
  domains: ['facetime.apple.com'],
  keywords: ['facetime'],
  parse(link) {
    if (!/^\/join\/?$/i.test(link.path)) return null;
    const p = param(link.fragment, 'p');
    if (p === null || !/^[A-Za-z0-9_+/=-]{4,128}$/.test(p)) return null;
    const k = param(link.fragment, 'k');
    return { meetingId: p, passcode: k !== null && k.length > 0 ? k : null, url: `https://facetime.apple.com/join#v=1&p=${p}` };
  },
};
