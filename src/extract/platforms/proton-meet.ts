/**
 * Proton Meet (catalogue row 76): `meet.proton.me/join/id-ID#pwd-PASSWORD`;
 * the password travels in the fragment.
 */
import type { Platform } from './platform.js';

const JOIN = /^\/join\/(id-[A-Za-z0-9]{6,20})\/?$/;

export const protonMeet: Platform = {
  slug: 'proton-meet',
  domains: ['meet.proton.me'],
  keywords: ['proton'],
  parse(link) {
    const id = JOIN.exec(link.path)?.[1];
    if (id === undefined) return null;
    const pwd = /^pwd-([A-Za-z0-9_-]{1,64})$/.exec(link.fragment)?.[1] ?? null;
    return { meetingId: id, passcode: pwd, url: `https://meet.proton.me/join/${id}` };
  },
};
