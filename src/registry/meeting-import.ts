import { extname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../errors.js';
import { extractRefs } from '../extract/index.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { normaliseEmail } from './email-address.js';
import { CalendarParseError, parseICalendar } from './icalendar.js';
import { canonicalMeeting } from './meeting-id.js';
import { type CsvProblem, formatCsvProblem, parseMeetingCsv } from './meeting-csv.js';
import { MAX_EXCLUDED, type MeetingInput, type PreparedMeeting, prepareMeeting } from './meetings.js';
import { getOrganisation } from './organisations.js';
import { unverifiedOwnerWarnings } from './verified-domains.js';

export interface ImportOptions {
  orgId: number;
  /** Import the valid rows of a CSV file with errors instead of refusing it whole. */
  skipInvalid?: boolean;
  /** Owner of calendar events that name no organiser. */
  defaultOwner?: string | undefined;
  origin?: 'csv' | 'ics' | 'feed';
  /** Prefixed to event UIDs, so each feed's events are kept apart (`<feed id>/`). */
  uidPrefix?: string;
  /** CSV: meetings written per transaction. Default 5000. */
  batchSize?: number;
}

const BATCH_SIZE = 5000;

/**
 * How long to leave the write lock free after a batch that held it `heldMs`.
 * A writer waiting on another connection (a crawl of `leakwatch run`) is in
 * SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25… ms between
 * tries, at most 100 ms: never more than a few ms longer than it has waited
 * so far. One that began waiting during the batch has waited at most
 * `heldMs`, so a pause a little longer than that (and never more than
 * 100 ms) lets it in; a fast import pauses briefly.
 */
function pauseAfter(heldMs: number): number {
  return Math.min(100, Math.max(10, Math.ceil(heldMs) + 5));
}

/** A CSV file with problems, refused whole: every problem with its row and column. */
export class CsvImportError extends InputError {
  override name = 'CsvImportError';
  readonly problems: readonly CsvProblem[];

  constructor(problems: readonly CsvProblem[]) {
    super(
      `nothing imported: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the file (fix them, or pass --skip-invalid to import the valid rows):\n${problems.map((p) => `  ${formatCsvProblem(p)}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** Stores (or updates) one meeting and runs what follows a registration (the retro-hunt). */
export type StoreMeeting = (prepared: PreparedMeeting) => { id: number; created: boolean };

export interface ImportResult {
  /** Meetings registered now. */
  added: number;
  /** Meetings already registered whose schedule or title was refreshed (calendars). */
  updated: number;
  /** Meetings removed because their event was cancelled or left the feed. */
  removed: number;
  /** Rows or events skipped, each with why. */
  skipped: string[];
  /**
   * What was imported but will not alert yet: one line per email domain of
   * organisers the organisation has not verified.
   */
  warnings: string[];
}

/** Imports a CSV or iCalendar file, chosen by its extension (`.csv`, `.ics`/`.ical`/`.ifb`). */
export async function importMeetingFile(db: Db, file: string, text: string, options: ImportOptions, store: StoreMeeting, actor: string): Promise<ImportResult> {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return importMeetingCsv(db, text, options, store, actor);
  if (['.ics', '.ical', '.ifb', '.icalendar'].includes(extension)) return importICalendar(db, text, { ...options, origin: 'ics' }, store, actor);
  throw new InputError(`cannot import ${file}: expected a .csv or .ics file`);
}

/**
 * Imports the documented CSV columns. Every bad row is reported with its row
 * and column; a file with errors imports nothing unless `skipInvalid`.
 *
 * Every row is checked before anything is written; then the meetings are
 * written in batches of `batchSize`, each its own transaction, with a pause
 * between them, so a long import does not hold the database's write lock
 * for seconds and the crawls of a running daemon get their writes in. An
 * import cut short (a crash) leaves the batches it committed: importing the
 * file again finishes it, since meetings already registered are updated,
 * not doubled.
 */
export async function importMeetingCsv(db: Db, text: string, options: ImportOptions, store: StoreMeeting, actor: string): Promise<ImportResult> {
  getOrganisation(db, options.orgId);
  const { rows, problems } = parseMeetingCsv(text);
  const prepared: PreparedMeeting[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const rowProblems: CsvProblem[] = [];
    try {
      normaliseEmail(row.ownerEmail, 'owner email address');
    } catch (error) {
      rowProblems.push({ row: row.row, column: 'owner_email', value: row.ownerEmail, message: (error as Error).message });
    }
    const platform = row.url ? null : row.platform;
    const id = row.url ?? row.meetingId ?? '';
    try {
      canonicalMeeting(platform, id);
    } catch (error) {
      // The value is shown beside the message in a CSV problem; do not say it twice.
      const message = (error as Error).message.replace(/^".*?" (is )?/s, '');
      const column = row.url ? 'url' : /platform/.test(message) ? 'platform' : 'meeting_id';
      rowProblems.push({ row: row.row, column, value: (column === 'platform' ? row.platform : id) ?? '', message });
    }
    let meeting: PreparedMeeting | null = null;
    if (rowProblems.length === 0) {
      try {
        meeting = prepareMeeting({
          orgId: options.orgId,
          platform,
          meetingId: id,
          ownerEmail: row.ownerEmail,
          passcode: row.passcode,
          title: row.title,
          startsAt: row.startsAt,
          endsAt: row.endsAt,
          recurrence: row.recurrence,
          origin: 'csv',
        });
      } catch (error) {
        rowProblems.push({ row: row.row, column: 'ends', value: row.endsAt ?? '', message: (error as Error).message });
      }
    }
    if (meeting) {
      const key = `${meeting.row.platform}\t${meeting.row.meetingId}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        rowProblems.push({ row: row.row, column: row.url ? 'url' : 'meeting_id', value: meeting.row.meetingId, message: `the same meeting as row ${earlier}` });
      } else {
        seen.set(key, row.row);
      }
    }
    if (rowProblems.length > 0 || !meeting) problems.push(...rowProblems);
    else prepared.push(meeting);
  }
  problems.sort((a, b) => a.row - b.row);
  if (problems.length > 0 && !options.skipInvalid) {
    throw new CsvImportError(problems);
  }
  const result: ImportResult = { added: 0, updated: 0, removed: 0, skipped: problems.map(formatCsvProblem), warnings: [] };
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const writeBatch = db.transaction((batch: readonly PreparedMeeting[]) => {
    for (const meeting of batch) {
      const { created } = store(meeting);
      if (created) result.added++;
      else result.updated++;
    }
  });
  for (let start = 0; start < prepared.length; start += batchSize) {
    const began = performance.now();
    writeBatch(prepared.slice(start, start + batchSize));
    if (start + batchSize < prepared.length) await sleep(pauseAfter(performance.now() - began));
  }
  result.warnings = unverifiedOwnerWarnings(db, options.orgId, new Set(prepared.map((m) => m.row.ownerEmail)));
  audit(db, { actor, orgId: options.orgId, action: 'meeting.imported', subject: 'csv', detail: { added: result.added, skipped: result.skipped.length } });
  return result;
}

/**
 * Imports the meetings of an iCalendar file or feed: join links and ids are
 * read from each event's location, description, URL and conference
 * properties. Cancelled events are removed; for a feed, so are events that
 * left it.
 */
export function importICalendar(db: Db, text: string, options: ImportOptions, store: StoreMeeting, actor: string): ImportResult {
  getOrganisation(db, options.orgId);
  let events;
  try {
    events = parseICalendar(text);
  } catch (error) {
    if (error instanceof CalendarParseError) throw new InputError(`nothing imported: not a valid iCalendar file: ${error.message}`, { cause: error });
    throw error;
  }
  const origin = options.origin ?? 'ics';
  const prefix = options.uidPrefix ?? '';
  const result: ImportResult = { added: 0, updated: 0, removed: 0, skipped: [], warnings: [] };
  const owners = new Set<string>();
  const removeByUid = db.prepare('DELETE FROM meetings WHERE org_id = ? AND origin_uid = ? AND origin IN (?, ?)');
  // A cancelled instance of a series (RECURRENCE-ID with STATUS:CANCELLED) is a session that does not take place, as an EXDATE is.
  const cancelledInstances = new Map<string, string[]>();
  for (const event of events) {
    if (event.recurrenceId && event.cancelled) cancelledInstances.set(event.uid, [...(cancelledInstances.get(event.uid) ?? []), event.recurrenceId]);
  }
  db.transaction(() => {
    const liveUids = new Set<string>();
    for (const event of events) {
      // An overridden instance carries the same join link as its series; one moved to another time is not followed.
      if (event.recurrenceId) continue;
      const label = `event ${event.uid}${event.summary ? ` ("${event.summary}")` : ''}`;
      if (event.cancelled) {
        result.removed += removeByUid.run(options.orgId, prefix + event.uid, 'ics', 'feed').changes;
        continue;
      }
      liveUids.add(prefix + event.uid);
      const refs = dedupe(extractRefs(event.joinText));
      if (refs.length === 0) {
        result.skipped.push(`${label}: no meeting link or id in it`);
        continue;
      }
      const owner = event.organizer ?? options.defaultOwner;
      if (!owner) {
        result.skipped.push(`${label}: no ORGANIZER; pass --owner EMAIL`);
        continue;
      }
      for (const ref of refs) {
        const input: MeetingInput = {
          orgId: options.orgId,
          platform: ref.platform,
          meetingId: ref.meetingId,
          passcode: ref.passcode,
          ownerEmail: owner,
          title: event.summary,
          startsAt: event.start,
          endsAt: event.end,
          recurrence: event.recurrence,
          timeZone: event.timeZone,
          excludedStarts: event.recurrence === null ? [] : latestExcluded([...event.excludedStarts, ...(cancelledInstances.get(event.uid) ?? [])]),
          origin,
          originUid: prefix + event.uid,
        };
        try {
          const prepared = prepareMeeting(input);
          const { created } = store(prepared);
          owners.add(prepared.row.ownerEmail);
          if (created) result.added++;
          else result.updated++;
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          result.skipped.push(`${label}: ${error.message}`);
        }
      }
    }
    if (origin === 'feed') {
      const stored = db
        .prepare("SELECT DISTINCT origin_uid FROM meetings WHERE org_id = ? AND origin = 'feed' AND substr(origin_uid, 1, length(?)) = ?")
        .pluck()
        .all(options.orgId, prefix, prefix) as string[];
      for (const uid of stored) if (!liveUids.has(uid)) result.removed += removeByUid.run(options.orgId, uid, 'feed', 'feed').changes;
    }
    result.warnings = unverifiedOwnerWarnings(db, options.orgId, owners);
    audit(db, { actor, orgId: options.orgId, action: 'meeting.imported', subject: origin, detail: result });
  })();
  return result;
}

/** The latest {@link MAX_EXCLUDED} excluded sessions: those long past no longer change what a leak risks. */
function latestExcluded(starts: string[]): string[] {
  const unique = [...new Set(starts)].sort();
  return unique.slice(-MAX_EXCLUDED);
}

function dedupe<T extends { platform: string; meetingId: string; passcode: string | null }>(refs: T[]): T[] {
  const byKey = new Map<string, T>();
  for (const ref of refs) {
    const key = `${ref.platform}\t${ref.meetingId}`;
    const existing = byKey.get(key);
    if (!existing || (!existing.passcode && ref.passcode)) byKey.set(key, ref);
  }
  return [...byKey.values()];
}
