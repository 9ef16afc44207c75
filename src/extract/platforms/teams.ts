/**
 * Microsoft Teams (catalogue row 6, §2.3): classic `/l/meetup-join/THREAD/…`
 * links in every encoding (plain, percent-encoded, double-encoded inside
 * `/dl/launcher/` and `/v2/?meetingjoin=true#/…` wrappers, `msteams:` deep
 * links), the short `/meet/ID?p=` form, `light-meetings` `coords` and
 * `meetingOptions`; on commercial, consumer (`teams.live.com`), GCC-High/DoD
 * (`*.teams.microsoft.us`) and `teams.cloud.microsoft` hosts.
 */
import { param, percentDecodeDeep } from '../link.js';
import type { OrgHint } from '../types.js';
import type { LinkMeeting, Platform } from './platform.js';

const MEETUP_JOIN = /\/l\/meetup-join\/(19:[^/?#&\s"'@]{3,300}@thread\.[A-Za-z0-9]{1,12})(?:\/(\d{1,20}))?/i;
const SHORT = /^\/meet\/(\d{9,15})\/?$/i;
const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const TID = new RegExp(String.raw`"(?:Tid|tenantId)"\s*:\s*"(${GUID.source})"`, 'i');
const OID = new RegExp(String.raw`"(?:Oid|organizerId)"\s*:\s*"(${GUID.source})"`, 'i');
const TENANT_PARAM = new RegExp(String.raw`[?&#]tenantId=(${GUID.source})`, 'i');

function tenantHint(tid: string | undefined): OrgHint | null {
  return tid === undefined ? null : { kind: 'teams-tenant', value: tid.toLowerCase() };
}

function threadMeeting(host: string, thread: string, message: string, tid?: string, oid?: string): LinkMeeting {
  const context = tid === undefined ? '' : `?context=${encodeURIComponent(JSON.stringify(oid === undefined ? { Tid: tid } : { Tid: tid, Oid: oid }))}`;
  return {
    meetingId: thread,
    url: `https://${host}/l/meetup-join/${encodeURIComponent(thread)}/${message}${context}`,
    host,
    orgHint: tenantHint(tid),
  };
}

/** `coords` of a light-meetings link: base64 JSON with conversationId and tenantId. */
function fromCoords(coords: string): { thread: string; tid?: string } | null {
  let json: string;
  try {
    json = Buffer.from(coords.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  } catch {
    return null;
  }
  const thread = /"conversationId"\s*:\s*"(19:[^"]{3,300}@thread\.[A-Za-z0-9]{1,12})"/.exec(json)?.[1];
  if (thread === undefined) return null;
  const tid = TID.exec(json)?.[1];
  return tid === undefined ? { thread } : { thread, tid };
}

export const teams: Platform = {
  slug: 'teams',
  domains: ['teams.microsoft.com', 'teams.live.com', 'teams.microsoft.us', 'teams.cloud.microsoft'],
  schemes: ['msteams'],
  keywords: ['teams', 'msteams'],
  parse(link) {
    const host = link.scheme === 'msteams' || link.host === '' ? 'teams.microsoft.com' : link.host;
    const short = SHORT.exec(link.path);
    if (short?.[1] !== undefined) {
      const p = param(link.query, 'p');
      const passcode = p !== null && /^[A-Za-z0-9_-]{1,64}$/.test(p) ? p : null;
      return { meetingId: short[1], passcode, url: `https://${host}/meet/${short[1]}${passcode ? `?p=${passcode}` : ''}`, host };
    }
    const full = percentDecodeDeep(link.raw);
    const join = MEETUP_JOIN.exec(full);
    if (join?.[1] !== undefined) {
      const tid = TID.exec(full)?.[1] ?? TENANT_PARAM.exec(full)?.[1];
      return threadMeeting(host, join[1], join[2] ?? '0', tid, OID.exec(full)?.[1]);
    }
    const coords = param(link.query, 'coords');
    if (coords !== null) {
      const c = fromCoords(coords);
      if (c !== null) return threadMeeting(host, c.thread, '0', c.tid);
    }
    const threadId = param(link.query, 'threadId');
    if (threadId !== null && /^19[_:]/.test(threadId)) {
      const thread = `19:${threadId.slice(3)}`.replace(/_thread\.(v2|tacv2)$/, '@thread.$1');
      const tenant = param(link.query, 'tenantId') ?? '';
      const message = param(link.query, 'messageId') ?? '0';
      if (/@thread\.[A-Za-z0-9]+$/.test(thread)) return threadMeeting(host, thread, /^\d+$/.test(message) ? message : '0', GUID.test(tenant) ? tenant : undefined);
    }
    return null;
  },
};
