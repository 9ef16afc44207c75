/**
 * Signal call links (catalogue row 84): `signal.link/call/#key=…`, eight
 * groups of four consonants; the key is both the room and the secret.
 */
import { param } from '../link.js';
import type { Platform } from './platform.js';

const KEY = /^[bcdfghkmnpqrstxz]{4}(?:-[bcdfghkmnpqrstxz]{4}){7}$/;

export const signal: Platform = {
  slug: 'signal',
  domains: ['signal.link'],
  schemes: ['sgnl'],
  keywords: ['signal', 'sgnl'],
  parse(link) {
    if (!/^\/call\/?$/.test(link.path) && !(link.scheme === 'sgnl' && link.host === 'signal.link')) return null;
    const key = param(link.fragment, 'key');
    if (key === null || !KEY.test(key)) return null;
    return { meetingId: key, url: `https://signal.link/call/#key=${key}`, host: 'signal.link' };
  },
};
