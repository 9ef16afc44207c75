import type { Identifier, OnVerified } from '../registry/identifiers.js';
import { getMeeting, insertMeeting, type Meeting, type MeetingInput, type PreparedMeeting, prepareMeeting } from '../registry/meetings.js';
import { hashPasscodes } from '../registry/passcode.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import type { Matcher, MatchCounts } from './matcher.js';

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
      return { meeting, retro: this.#matcher.retroHuntMeeting(meeting.id, prepared.passcodes, now) };
    })();
  }

  /**
   * Registers a meeting, or refreshes the one already registered (title,
   * owner, schedule, passcode) — what imports and calendar feeds need.
   */
  upsertMeeting(prepared: PreparedMeeting, actor: string, now: Date = new Date()): { meeting: Meeting; created: boolean } {
    const { row } = prepared;
    const existing = this.#db
      .prepare('SELECT id FROM meetings WHERE org_id = ? AND platform = ? AND meeting_id = ?')
      .pluck()
      .get(row.orgId, row.platform, row.meetingId) as number | undefined;
    if (existing === undefined) {
      const meeting = insertMeeting(this.#db, prepared, actor);
      this.#matcher.retroHuntMeeting(meeting.id, prepared.passcodes, now);
      return { meeting, created: true };
    }
    this.#db
      .prepare(
        `UPDATE meetings SET owner_email = ?, title = coalesce(?, title), passcode_hash = coalesce(?, passcode_hash),
           starts_at = ?, ends_at = ?, recurrence = ?, origin_uid = coalesce(?, origin_uid) WHERE id = ?`,
      )
      .run(row.ownerEmail, row.title, prepared.passcodes.length ? hashPasscodes(prepared.passcodes) : null, row.startsAt, row.endsAt, row.recurrence, row.originUid, existing);
    audit(this.#db, { actor, orgId: row.orgId, action: 'meeting.updated', subject: `${row.platform} ${row.meetingId}`, detail: { id: existing, origin: row.origin }, at: now });
    return { meeting: getMeeting(this.#db, row.orgId, existing), created: false };
  }

  /** Pass to the identifier functions: runs inside their verification transaction. */
  readonly onVerified: OnVerified = (_db: Db, identifier: Identifier, now: Date) => {
    this.#matcher.refreshNames();
    this.#matcher.retroHuntIdentifier(identifier, now);
    if (identifier.kind === 'email-domain') this.#matcher.releaseWaitingAlerts(identifier.orgId, now);
  };
}
