import { NotFoundError } from '../errors.js';
import type { Db } from '../store/database.js';
import type { LeakStatus } from './lifecycle.js';
import type { MatchKind, Severity } from './severity.js';

/** A leak as `leakwatch leaks list --json` prints it (DESIGN.md §8 keys, then more). */
export interface LeakSummary {
  id: number;
  orgId: number;
  platform: string;
  meetingId: string;
  severity: Severity;
  status: LeakStatus;
  sightings: number;
  firstSeen: string;
  lastSeen: string;
  matchKind: MatchKind;
  reasons: string[];
  statusReason: string | null;
  meeting: { id: number; title: string | null; ownerEmail: string } | null;
  sources: string[];
}

export interface LeakDetail extends LeakSummary {
  evidence: {
    source: string;
    url: string | null;
    author: string | null;
    postedAt: string | null;
    text: string;
    passcode: string | null;
    hostStart: boolean;
    /** The post is a reply that gave the passcode of the meeting named in the post it replies to. */
    inReply: boolean;
  }[];
  events: { at: string; actor: string; event: string; from: string | null; to: string | null; detail: unknown }[];
}

const SELECT = `
  SELECT l.*, m.title AS meeting_title, m.owner_email AS meeting_owner,
         (SELECT count(*) FROM leak_sightings ls WHERE ls.leak_id = l.id) AS sighting_count
  FROM leaks l LEFT JOIN meetings m ON m.id = l.meeting_ref`;

export interface LeakFilter {
  orgId?: number | undefined;
  status?: LeakStatus | undefined;
  severity?: Severity | undefined;
  platform?: string | undefined;
  /** Leaks seen at or after this ISO-8601 time (their last sighting). */
  since?: string | undefined;
  /**
   * `urgency` (default): most urgent and most recent first. `id`: oldest
   * first, by number, which new and changed leaks never reorder — what
   * paging needs (with `afterId`).
   */
  order?: 'urgency' | 'id' | undefined;
  /** With `order: 'id'`: only leaks numbered above this. */
  afterId?: number | undefined;
  /** At most this many. Default: all. */
  limit?: number | undefined;
  /** With `limit`: skip this many first (numbered pages). */
  offset?: number | undefined;
  /** Only leaks of meetings this address owns: what an organiser sees ({@link Access.leakOwner}). */
  meetingOwner?: string | undefined;
  /** Only leaks seen (at least once) on this source. */
  source?: string | undefined;
  /** Only leaks of this meeting id (as stored: digits of a numeric id, or the platform's code). */
  meetingId?: string | undefined;
}

/** Leaks, filtered by organisation, status, severity, platform and time. */
export function listLeaks(db: Db, filter: LeakFilter = {}): LeakSummary[] {
  const { where, params } = conditions(filter);
  const order =
    filter.order === 'id' ? 'l.id' : "CASE l.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, l.last_seen DESC, l.id";
  const limit = filter.limit === undefined ? '' : ` LIMIT ? OFFSET ?`;
  const page = filter.limit === undefined ? [] : [filter.limit, filter.offset ?? 0];
  // The page's ids first, then their rows: the sightings are counted for the page only, not for every leak sorted.
  const rows = db
    .prepare(`${SELECT} WHERE l.id IN (SELECT l.id FROM leaks l ${ownerJoin(filter)} ${where} ORDER BY ${order}${limit}) ORDER BY ${order}`)
    .all(...params, ...page) as LeakRow[];
  return rows.map(toSummary);
}

/** How many leaks {@link listLeaks} would list without its limit, and of which platforms they are. */
export function countLeaks(db: Db, filter: Omit<LeakFilter, 'order' | 'afterId' | 'limit' | 'offset'>): { total: number; bySeverity: Record<Severity, number>; platforms: string[] } {
  const { where, params } = conditions(filter);
  const rows = db
    .prepare(`SELECT l.severity, l.platform, count(*) AS n FROM leaks l ${ownerJoin(filter)} ${where} GROUP BY l.severity, l.platform`)
    .all(...params) as { severity: Severity; platform: string; n: number }[];
  const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const row of rows) bySeverity[row.severity] += row.n;
  return { total: rows.reduce((n, row) => n + row.n, 0), bySeverity, platforms: [...new Set(rows.map((row) => row.platform))].sort() };
}

/** The meetings are joined only to scope by their owner. */
function ownerJoin(filter: LeakFilter): string {
  return filter.meetingOwner === undefined ? '' : 'JOIN meetings m ON m.id = l.meeting_ref';
}

function conditions(filter: LeakFilter): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const when = (condition: string, value: unknown) => {
    where.push(condition);
    params.push(value);
  };
  if (filter.orgId !== undefined) when('l.org_id = ?', filter.orgId);
  if (filter.status) when('l.status = ?', filter.status);
  if (filter.severity) when('l.severity = ?', filter.severity);
  if (filter.platform) when('l.platform = ?', filter.platform);
  if (filter.since) when('l.last_seen >= ?', filter.since);
  if (filter.afterId !== undefined) when('l.id > ?', filter.afterId);
  if (filter.meetingOwner !== undefined) when('m.owner_email = ?', filter.meetingOwner);
  if (filter.meetingId) when('l.meeting_id = ?', filter.meetingId);
  if (filter.source) {
    when(
      'EXISTS (SELECT 1 FROM leak_sightings ls JOIN sightings s ON s.id = ls.sighting_id JOIN posts p ON p.id = s.post_id WHERE ls.leak_id = l.id AND p.source = ?)',
      filter.source,
    );
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** One organisation's leak with its evidence and audit trail; another organisation's is not found. */
export function getLeak(db: Db, orgId: number, id: number): LeakDetail {
  const row = db.prepare(`${SELECT} WHERE l.id = ? AND l.org_id = ?`).get(id, orgId) as LeakRow | undefined;
  if (!row) throw new NotFoundError(`organisation ${orgId} has no leak ${id}`);
  const evidence = db
    .prepare(
      `SELECT p.source, p.url, p.author, p.created_at AS postedAt, p.text, s.passcode_masked AS passcode, s.host_start AS hostStart, s.via_reply AS inReply
       FROM leak_sightings ls JOIN sightings s ON s.id = ls.sighting_id JOIN posts p ON p.id = s.post_id
       WHERE ls.leak_id = ? ORDER BY s.seen_at`,
    )
    .all(id) as (Omit<LeakDetail['evidence'][number], 'hostStart' | 'inReply'> & { hostStart: number; inReply: number })[];
  const events = db
    .prepare('SELECT at, actor, event, from_status AS "from", to_status AS "to", detail FROM leak_events WHERE leak_id = ? ORDER BY id')
    .all(id) as (LeakDetail['events'][number] & { detail: string | null })[];
  return {
    ...toSummary(row),
    evidence: evidence.map((e) => ({ ...e, hostStart: e.hostStart === 1, inReply: e.inReply === 1 })),
    events: events.map((e) => ({ ...e, detail: e.detail === null ? null : JSON.parse(e.detail as string) })),
  };
}

interface LeakRow {
  id: number;
  org_id: number;
  meeting_ref: number | null;
  platform: string;
  meeting_id: string;
  match_kind: MatchKind;
  severity: Severity;
  reasons: string;
  status: LeakStatus;
  status_reason: string | null;
  first_seen: string;
  last_seen: string;
  sources: string;
  meeting_title: string | null;
  meeting_owner: string | null;
  sighting_count: number;
}

function toSummary(row: LeakRow): LeakSummary {
  return {
    id: row.id,
    orgId: row.org_id,
    platform: row.platform,
    meetingId: row.meeting_id,
    severity: row.severity,
    status: row.status,
    sightings: row.sighting_count,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    matchKind: row.match_kind,
    reasons: JSON.parse(row.reasons) as string[],
    statusReason: row.status_reason,
    meeting: row.meeting_ref !== null && row.meeting_owner !== null ? { id: row.meeting_ref, title: row.meeting_title, ownerEmail: row.meeting_owner } : null,
    sources: JSON.parse(row.sources) as string[],
  };
}
