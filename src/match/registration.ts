import type { Identifier, OnVerified } from '../registry/identifiers.js';
import { excludedStartsColumn, insertMeeting, type Meeting, type MeetingChanges, type MeetingInput, meetingFingerprints, type PreparedMeeting, prepareMeeting, updateMeeting } from '../registry/meetings.js';
import type { Db } from '../store/database.js';
import type { Matcher, MatchCounts } from './matcher.js';
import { ReferenceFilter } from './reference-filter.js';
import { statement } from '../store/statements.js';

/**
 * What follows a registration: a new meeting or a newly verified identifier
 * is matched against the sightings already stored (the retro-hunt), and
 * alerts that were waiting for a verified domain are released.
 */
export class Registration {
  #db: Db;
  #matcher: Matcher;

  constructor(db: Db, matcher: Matcher) {
    this.#db = db;
    this.#matcher = matcher;
  }

  /** Registers one meeting (an {@link InputError} if the organisation has it already) and retro-hunts it. */
  addMeeting(input: MeetingInput, actor: string, now: Date = new Date()): { meeting: Meeting; retro: MatchCounts } {
    const prepared = prepareMeeting(input);
    return this.#db.transaction(() => {
      const meeting = insertMeeting(this.#db, prepared, actor);
      ReferenceFilter.for(this.#db).addMeeting(meeting.platform, meeting.meetingId);
      return { meeting, retro: this.#matcher.retroHuntMeeting(meeting, prepared.passcodes, now) };
    })();
  }

  /**
   * Changes a registered meeting (as `updateMeeting`); a new passcode is
   * compared at once with the passcodes already posted for it, so its leaks
   * say whether what leaked still works.
   */
  updateMeeting(orgId: number, id: number, changes: MeetingChanges, actor: string, now: Date = new Date()): { meeting: Meeting; reassessed: number } {
    return this.#db.transaction(() => {
      const meeting = updateMeeting(this.#db, orgId, id, changes, actor);
      if (changes.passcode === undefined) return { meeting, reassessed: 0 };
      const { passcodes } = prepareMeeting({ orgId, platform: meeting.platform, meetingId: meeting.meetingId, ownerEmail: meeting.ownerEmail, passcode: changes.passcode });
      return { meeting, reassessed: this.#matcher.reassessPasscode(meeting, passcodes, now) };
    })();
  }

  /**
   * Registers a meeting, or refreshes the one already registered (title,
   * owner, schedule, passcode) — what imports and calendar feeds need.
   */
  upsertMeeting(prepared: PreparedMeeting, actor: string, now: Date = new Date()): { id: number; created: boolean } {
    const { row } = prepared;
    const fingerprints = meetingFingerprints(this.#db, prepared.passcodes);
    const created = statement(
      this.#db,
      `INSERT INTO meetings (org_id, platform, meeting_id, owner_email, title, passcode_hash, passcode_fingerprints, starts_at, ends_at, recurrence, time_zone, excluded_starts, public, origin, origin_uid)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, meeting_id, org_id) DO NOTHING RETURNING id`,
    )
      .pluck()
      .get(row.orgId, row.platform, row.meetingId, row.ownerEmail, row.title, row.passcodeHash, fingerprints, row.startsAt, row.endsAt, row.recurrence, row.timeZone, excludedStartsColumn(row.excludedStarts), row.public ? 1 : 0, row.origin, row.originUid) as
      | number
      | undefined;
    if (created !== undefined) {
      ReferenceFilter.for(this.#db).addMeeting(row.platform, row.meetingId);
      this.#matcher.retroHuntMeeting({ id: created, platform: row.platform, meetingId: row.meetingId }, prepared.passcodes, now);
      return { id: created, created: true };
    }
    const id = statement(
      this.#db,
      `UPDATE meetings SET owner_email = ?, title = coalesce(?, title), passcode_hash = coalesce(?, passcode_hash),
         passcode_fingerprints = coalesce(?, passcode_fingerprints),
         starts_at = ?, ends_at = ?, recurrence = ?, time_zone = ?, excluded_starts = ?, origin_uid = coalesce(?, origin_uid)
       WHERE platform = ? AND meeting_id = ? AND org_id = ? RETURNING id`,
    )
      .pluck()
      .get(row.ownerEmail, row.title, row.passcodeHash, fingerprints, row.startsAt, row.endsAt, row.recurrence, row.timeZone, excludedStartsColumn(row.excludedStarts), row.originUid, row.platform, row.meetingId, row.orgId) as number;
    return { id, created: false };
  }

  /** Pass to the identifier functions: runs inside their verification transaction. */
  readonly onVerified: OnVerified = (_db: Db, identifier: Identifier, now: Date) => {
    ReferenceFilter.for(this.#db).addIdentifier(identifier.kind, identifier.value);
    this.#matcher.addNameOf(identifier.orgId);
    this.#matcher.retroHuntIdentifier(identifier, now);
    if (identifier.kind === 'email-domain') this.#matcher.releaseWaitingAlerts(identifier.orgId, now);
  };
}
