import { redactUrlsIn } from '../net/redact.js';
import { InputError } from '../errors.js';
import { BlockedUrlError, checkUserUrl, type UrlGuardOptions } from '../net/url-guard.js';
import type { HttpClient } from '../crawl/http-client.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { normaliseEmail } from './email-address.js';
import { importICalendar, type ImportResult, type StoreMeeting } from './meeting-import.js';
import { getOrganisation } from './organisations.js';

export interface CalendarFeed {
  id: number;
  orgId: number;
  /** Only the host is shown: a private calendar URL carries its secret in the path. */
  host: string;
  ownerEmail: string | null;
  refreshedAt: string | null;
  lastError: string | null;
}

interface FeedRow {
  id: number;
  org_id: number;
  url: string;
  owner_email: string | null;
  etag: string | null;
  last_modified: string | null;
  refreshed_at: string | null;
  last_error: string | null;
}

/** Subscribes an organisation to an iCalendar feed; the URL is checked before it is ever fetched. */
export function subscribeFeed(db: Db, input: { orgId: number; url: string; ownerEmail?: string | undefined }, guard: UrlGuardOptions, actor: string, now: Date = new Date()): CalendarFeed {
  getOrganisation(db, input.orgId);
  let url: URL;
  try {
    url = checkUserUrl(input.url.trim().replace(/^webcals?:\/\//i, 'https://'), guard);
  } catch (error) {
    if (error instanceof BlockedUrlError) throw new InputError(error.message);
    throw error;
  }
  const owner = input.ownerEmail ? normaliseEmail(input.ownerEmail, 'owner email address') : null;
  const existing = db.prepare('SELECT id FROM calendar_feeds WHERE org_id = ? AND url = ?').pluck().get(input.orgId, url.href);
  if (existing !== undefined) throw new InputError(`organisation ${input.orgId} already subscribes to that feed (feed ${existing})`);
  const id = db
    .prepare('INSERT INTO calendar_feeds (org_id, url, owner_email, created_at) VALUES (?, ?, ?, ?) RETURNING id')
    .pluck()
    .get(input.orgId, url.href, owner, now.toISOString()) as number;
  audit(db, { actor, orgId: input.orgId, action: 'calendar-feed.subscribed', subject: url.host, detail: { id }, at: now });
  return feedById(db, id);
}

export function listFeeds(db: Db, orgId?: number): CalendarFeed[] {
  const rows = (orgId === undefined ? db.prepare('SELECT * FROM calendar_feeds ORDER BY id').all() : db.prepare('SELECT * FROM calendar_feeds WHERE org_id = ? ORDER BY id').all(orgId)) as FeedRow[];
  return rows.map(toFeed);
}

/** Ends a subscription and removes the meetings that came from it. */
export function unsubscribeFeed(db: Db, orgId: number, id: number, actor: string): { removedMeetings: number } {
  return db.transaction(() => {
    const row = db.prepare('SELECT * FROM calendar_feeds WHERE id = ? AND org_id = ?').get(id, orgId) as FeedRow | undefined;
    if (!row) throw new InputError(`organisation ${orgId} has no calendar feed ${id}`);
    const { changes } = db.prepare("DELETE FROM meetings WHERE org_id = ? AND origin = 'feed' AND substr(origin_uid, 1, length(?)) = ?").run(orgId, `${id}/`, `${id}/`);
    db.prepare('DELETE FROM calendar_feeds WHERE id = ?').run(id);
    audit(db, { actor, orgId, action: 'calendar-feed.unsubscribed', subject: new URL(row.url).host, detail: { id, removedMeetings: changes } });
    return { removedMeetings: changes };
  })();
}

export type FeedRefresh = { feed: number; status: 'imported'; result: ImportResult } | { feed: number; status: 'not-modified' } | { feed: number; status: 'failed'; error: string };

/**
 * Fetches one feed (conditionally) and imports it: new events are
 * registered and retro-hunted, cancelled events and events that left the
 * feed are removed. A failure is recorded on the feed, nothing else changes.
 */
export async function refreshFeed(
  db: Db,
  feedId: number,
  http: HttpClient,
  store: StoreMeeting,
  actor: string,
  options: { signal?: AbortSignal; now?: () => Date } = {},
): Promise<FeedRefresh> {
  const now = options.now ?? (() => new Date());
  const row = db.prepare('SELECT * FROM calendar_feeds WHERE id = ?').get(feedId) as FeedRow | undefined;
  if (!row) throw new InputError(`no calendar feed ${feedId}`);
  const record = db.prepare('UPDATE calendar_feeds SET refreshed_at = ?, last_error = ?, etag = coalesce(?, etag), last_modified = coalesce(?, last_modified) WHERE id = ?');
  try {
    // The validators live with the feed, so they survive restarts; robots.txt is for crawlers, not a feed someone subscribed to.
    const headers: Record<string, string> = { accept: 'text/calendar, text/plain;q=0.9, */*;q=0.5' };
    if (row.etag) headers['if-none-match'] = row.etag;
    if (row.last_modified) headers['if-modified-since'] = row.last_modified;
    const response = await http.get(row.url, { headers, conditional: false, robots: false, secretUrl: true, signal: options.signal });
    if (response.notModified) {
      record.run(now().toISOString(), null, null, null, feedId);
      return { feed: feedId, status: 'not-modified' };
    }
    const result = db.transaction(() => {
      const imported = importICalendar(db, response.text(), { orgId: row.org_id, origin: 'feed', uidPrefix: `${feedId}/`, defaultOwner: row.owner_email ?? undefined }, store, actor);
      record.run(now().toISOString(), null, response.headers.etag ?? null, response.headers['last-modified'] ?? null, feedId);
      return imported;
    })();
    return { feed: feedId, status: 'imported', result };
  } catch (error) {
    // Every error names at most the feed's host (its path is often its secret), and in case one names more, that goes too.
    const message = redactUrlsIn(error instanceof Error ? error.message : String(error), [row.url]);
    record.run(now().toISOString(), message, null, null, feedId);
    return { feed: feedId, status: 'failed', error: message };
  }
}

function feedById(db: Db, id: number): CalendarFeed {
  return toFeed(db.prepare('SELECT * FROM calendar_feeds WHERE id = ?').get(id) as FeedRow);
}

function toFeed(row: FeedRow): CalendarFeed {
  return { id: row.id, orgId: row.org_id, host: new URL(row.url).host, ownerEmail: row.owner_email, refreshedAt: row.refreshed_at, lastError: row.last_error };
}
