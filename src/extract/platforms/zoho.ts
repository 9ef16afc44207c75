/**
 * Zoho Meeting and Zoho Cliq meetings (catalogue rows 20–21) on every Zoho
 * data-centre domain: `meeting.zoho.com/join?key=ID`,
 * `meeting.zoho.eu/meeting/login/join.jsp?key=ID`, short `meet.zoho.com/CODE`
 * and `cliq.zoho.eu/meetings/ID`.
 */
import { param } from '../link.js';
import type { Platform } from './platform.js';

const DOMAINS = ['zoho.com', 'zoho.eu', 'zoho.in', 'zoho.com.au', 'zoho.jp', 'zoho.com.cn', 'zoho.sa', 'zohocloud.ca'];
const KEY = /^[A-Za-z0-9]{6,20}$/;

export const zoho: Platform = {
  slug: 'zoho',
  domains: DOMAINS,
  keywords: ['zoho'],
  parse(link) {
    const label = link.host.split('.')[0];
    const parts = link.segments;
    const lower = parts.map((p) => p.toLowerCase());
    if (label === 'meeting') {
      const key = param(link.query, 'key') ?? param(link.query, 'meetingKey');
      if (key === null || !KEY.test(key) || lower.includes('register')) return null;
      return { meetingId: key, url: `https://${link.host}/join?key=${key}` };
    }
    if (label === 'meet' && parts.length === 1 && KEY.test(parts[0] ?? '')) {
      return { meetingId: parts[0] ?? '', url: `https://${link.host}/${parts[0]}` };
    }
    if (label === 'cliq' && lower[0] === 'meetings' && /^[A-Za-z0-9_-]{6,64}$/.test(parts[1] ?? '')) {
      return { meetingId: parts[1] ?? '', url: `https://${link.host}/meetings/${parts[1]}` };
    }
    return null;
  },
};
