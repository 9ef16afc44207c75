import { InputError, NotFoundError } from '../errors.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { normaliseEmail } from './email-address.js';
import { canonicalMeeting } from './meeting-id.js';
import { getOrganisation } from './organisations.js';
import { checkRecurrence } from './recurrence.js';
import { ianaZoneName } from './time-zones.js';
import { FINGERPRINT_KEY_NAME, fingerprintPasscodes, hashPasscodes } from './passcode.js';
import { installationKey } from '../store/settings.js';
import { statement } from '../store/statements.js';

export interface Meeting {
  id: number;
  orgId: number;
  platform: string;
  meetingId: string;
  ownerEmail: string;
  title: string | null;
  hasPasscode: boolean;
  startsAt: string | null;
  endsAt: string | null;
  recurrence: string | null;
  /** IANA zone the sessions of a recurring meeting keep their wall-clock time in; null is UTC. */
  timeZone: string | null;
  /** ISO-8601 UTC starts of a recurring meeting's sessions that do not take place (EXDATE, cancelled instances), sorted. */
  excludedStarts: string[];
  public: boolean;
  origin: string;
  originUid: string | null;
  createdAt: string;
}

export interface MeetingInput {
  orgId: number;
  /** A platform slug; may be omitted when `meetingId` is a join link. */
  platform?: string | null | undefined;
  /** The id as typed, or a join link. */
  meetingId: string;
  ownerEmail: string;
  passcode?: string | null | undefined;
  title?: string | null | undefined;
  startsAt?: string | null | undefined;
  endsAt?: string | null | undefined;
  /** An RFC 5545 RRULE value, checked strictly ({@link checkRecurrence}). */
  recurrence?: string | null | undefined;
  /** IANA (or Windows) zone name of the meeting's wall-clock times; default null (UTC). */
  timeZone?: string | null | undefined;
  /** Starts of sessions that do not take place (ISO-8601, any offset); at most {@link MAX_EXCLUDED}. */
  excludedStarts?: readonly string[] | null | undefined;
  public?: boolean | undefined;
  origin?: 'manual' | 'csv' | 'ics' | 'feed' | 'connection';
  originUid?: string | null | undefined;
}

/** A meeting ready to store, with the passcodes it is known by (hashed when stored, fed to the retro-hunt). */
export interface PreparedMeeting {
  row: Omit<Meeting, 'id' | 'createdAt' | 'hasPasscode'> & { passcodeHash: string | null };
  passcodes: string[];
}

/** Validates and canonicalises a meeting; throws an {@link InputError} naming the bad field. */
export function prepareMeeting(input: MeetingInput): PreparedMeeting {
  const canonical = canonicalMeeting(input.platform ?? null, input.meetingId);
  const passcodes = [input.passcode?.trim(), canonical.passcode].filter((p): p is string => Boolean(p));
  const startsAt = isoTime(input.startsAt, 'start');
  const endsAt = isoTime(input.endsAt, 'end');
  if (startsAt && endsAt && endsAt <= startsAt) throw new InputError(`the meeting ends (${endsAt}) before it starts (${startsAt})`);
  return {
    passcodes,
    row: {
      orgId: input.orgId,
      platform: canonical.platform,
      meetingId: canonical.meetingId,
      ownerEmail: normaliseEmail(input.ownerEmail, 'owner email address'),
      title: input.title?.trim() || null,
      passcodeHash: hashPasscodes(passcodes),
      startsAt,
      endsAt,
      recurrence: checkRecurrence(input.recurrence),
      timeZone: timeZoneOf(input.timeZone),
      excludedStarts: excludedStartsOf(input.excludedStarts),
      public: input.public ?? false,
      origin: input.origin ?? 'manual',
      originUid: input.originUid ?? null,
    },
  };
}

/**
 * Stores a prepared meeting; a meeting the organisation already registered is
 * an {@link InputError}. Imports audit the whole batch instead of each meeting.
 */
export function insertMeeting(db: Db, prepared: PreparedMeeting, actor: string, options: { audit?: boolean } = {}): Meeting {
  const { row } = prepared;
  const existing = statement(db, 'SELECT id FROM meetings WHERE org_id = ? AND platform = ? AND meeting_id = ?')
    .pluck()
    .get(row.orgId, row.platform, row.meetingId) as number | undefined;
  if (existing !== undefined) {
    throw new InputError(`${row.platform} meeting ${row.meetingId} is already registered for organisation ${row.orgId} (meeting ${existing})`);
  }
  const id = statement(db, 
      `INSERT INTO meetings (org_id, platform, meeting_id, owner_email, title, passcode_hash, passcode_fingerprints, starts_at, ends_at, recurrence, time_zone, excluded_starts, public, origin, origin_uid)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .pluck()
    .get(row.orgId, row.platform, row.meetingId, row.ownerEmail, row.title, row.passcodeHash, meetingFingerprints(db, prepared.passcodes), row.startsAt, row.endsAt, row.recurrence, row.timeZone, excludedStartsColumn(row.excludedStarts), row.public ? 1 : 0, row.origin, row.originUid) as number;
  if (options.audit ?? true) audit(db, { actor, orgId: row.orgId, action: 'meeting.added', subject: `${row.platform} ${row.meetingId}`, detail: { id, origin: row.origin } });
  return getMeeting(db, row.orgId, id);
}

/**
 * What a meeting keeps of its passcodes besides their salted hashes: keyed
 * fingerprints, so that a posted passcode of which only the fingerprint is
 * left (a reply stored before the post it answers) can still be compared.
 */
export function meetingFingerprints(db: Db, passcodes: readonly string[]): string | null {
  return passcodes.length === 0 ? null : fingerprintPasscodes(installationKey(db, FINGERPRINT_KEY_NAME), passcodes);
}

/** One organisation's meeting; another organisation's is reported as not found. */
export function getMeeting(db: Db, orgId: number, id: number): Meeting {
  const row = statement(db, 'SELECT * FROM meetings WHERE id = ? AND org_id = ?').get(id, orgId) as MeetingRow | undefined;
  if (!row) throw new NotFoundError(`organisation ${orgId} has no meeting ${id}`);
  return toMeeting(row);
}

/** An organisation's meetings by id; `page` gives those after `afterId`, at most `limit` of them. */
export function listMeetings(db: Db, orgId: number, page?: { afterId: number; limit: number }): Meeting[] {
  getOrganisation(db, orgId);
  const rows = page
    ? statement(db, 'SELECT * FROM meetings WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?').all(orgId, page.afterId, page.limit)
    : statement(db, 'SELECT * FROM meetings WHERE org_id = ? ORDER BY id').all(orgId);
  return (rows as MeetingRow[]).map(toMeeting);
}

/** Removes one organisation's meeting; its leaks stay, detached, for the record. */
export function removeMeeting(db: Db, orgId: number, id: number, actor: string): Meeting {
  const meeting = getMeeting(db, orgId, id);
  db.transaction(() => {
    statement(db, 'DELETE FROM meetings WHERE id = ? AND org_id = ?').run(id, orgId);
    audit(db, { actor, orgId, action: 'meeting.removed', subject: `${meeting.platform} ${meeting.meetingId}`, detail: { id } });
  })();
  return meeting;
}

/** What may change of a registered meeting; its platform and id are what it is (remove it and register another). */
export interface MeetingChanges {
  ownerEmail?: string | undefined;
  /** Null clears it. */
  title?: string | null | undefined;
  /** A new passcode; null forgets the registered one; absent keeps it. */
  passcode?: string | null | undefined;
  startsAt?: string | null | undefined;
  endsAt?: string | null | undefined;
  recurrence?: string | null | undefined;
  public?: boolean | undefined;
}

/**
 * Changes one organisation's meeting, checked as a new registration is
 * ({@link prepareMeeting}); another organisation's is not found.
 */
export function updateMeeting(db: Db, orgId: number, id: number, changes: MeetingChanges, actor: string): Meeting {
  return db.transaction(() => {
    const current = getMeeting(db, orgId, id);
    const has = (field: keyof MeetingChanges) => changes[field] !== undefined;
    const prepared = prepareMeeting({
      orgId,
      platform: current.platform,
      meetingId: current.meetingId,
      ownerEmail: changes.ownerEmail ?? current.ownerEmail,
      title: has('title') ? changes.title : current.title,
      passcode: changes.passcode ?? null,
      startsAt: has('startsAt') ? changes.startsAt : current.startsAt,
      endsAt: has('endsAt') ? changes.endsAt : current.endsAt,
      recurrence: has('recurrence') ? changes.recurrence : current.recurrence,
      timeZone: current.timeZone,
      excludedStarts: current.excludedStarts,
      public: changes.public ?? current.public,
    });
    const { row } = prepared;
    statement(db, 'UPDATE meetings SET owner_email = ?, title = ?, starts_at = ?, ends_at = ?, recurrence = ?, public = ? WHERE id = ? AND org_id = ?').run(
      row.ownerEmail, row.title, row.startsAt, row.endsAt, row.recurrence, row.public ? 1 : 0, id, orgId,
    );
    if (has('passcode')) {
      statement(db, 'UPDATE meetings SET passcode_hash = ?, passcode_fingerprints = ? WHERE id = ? AND org_id = ?').run(
        row.passcodeHash, meetingFingerprints(db, prepared.passcodes), id, orgId,
      );
    }
    const changed = (Object.keys(changes) as (keyof MeetingChanges)[]).filter((field) => changes[field] !== undefined);
    audit(db, { actor, orgId, action: 'meeting.updated', subject: `${current.platform} ${current.meetingId}`, detail: { id, changed } });
    return getMeeting(db, orgId, id);
  })();
}

interface MeetingRow {
  id: number;
  org_id: number;
  platform: string;
  meeting_id: string;
  owner_email: string;
  title: string | null;
  passcode_hash: string | null;
  starts_at: string | null;
  ends_at: string | null;
  recurrence: string | null;
  time_zone: string | null;
  excluded_starts: string | null;
  public: number;
  origin: string;
  origin_uid: string | null;
  created_at: string;
}

function toMeeting(row: MeetingRow): Meeting {
  return {
    id: row.id,
    orgId: row.org_id,
    platform: row.platform,
    meetingId: row.meeting_id,
    ownerEmail: row.owner_email,
    title: row.title,
    hasPasscode: row.passcode_hash !== null,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    recurrence: row.recurrence,
    timeZone: row.time_zone,
    excludedStarts: excludedStartsFromColumn(row.excluded_starts),
    public: row.public === 1,
    origin: row.origin,
    originUid: row.origin_uid,
    createdAt: row.created_at,
  };
}

/** A UTC time (`…Z`), with or without milliseconds: what imports and feeds mostly carry. */
const UTC_TIME = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d{3})?Z$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `value` in the canonical form when it is a valid UTC time already, without building a Date; else null. */
function utcTime(value: string): string | null {
  const m = UTC_TIME.exec(value);
  if (m === null || Number(m[3]) > daysInMonth(Number(m[1]), Number(m[2]))) return null;
  return m[7] === undefined ? `${value.slice(0, -1)}.000Z` : value;
}

/** Excluded sessions kept per meeting: a daily class excluded on every school holiday for years stays well under it. */
export const MAX_EXCLUDED = 1000;

function excludedStartsOf(values: readonly string[] | null | undefined): string[] {
  if (!values || values.length === 0) return [];
  if (values.length > MAX_EXCLUDED) throw new InputError(`the meeting has ${values.length} excluded sessions; at most ${MAX_EXCLUDED} are kept`);
  return [...new Set(values.map((value) => isoTime(value, 'excluded session')!).filter(Boolean))].sort();
}

/** The column's value: a JSON array, or NULL when nothing is excluded. */
export function excludedStartsColumn(starts: readonly string[]): string | null {
  return starts.length === 0 ? null : JSON.stringify(starts);
}

/** What the column holds, read back; anything unreadable counts as nothing excluded. */
export function excludedStartsFromColumn(text: string | null): string[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

function timeZoneOf(value: string | null | undefined): string | null {
  if (!value?.trim()) return null;
  const zone = ianaZoneName(value);
  if (zone === null) throw new InputError(`the time zone "${value}" is not an IANA zone name such as Europe/London`);
  return zone;
}

function isoTime(value: string | null | undefined, what: string): string | null {
  if (!value?.trim()) return null;
  const fast = utcTime(value);
  if (fast !== null) return fast;
  // Date.parse rolls impossible dates over (2026-02-29 becomes 1 March); refuse them instead.
  const date = /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (date && (Number(date[2]) < 1 || Number(date[2]) > 12 || Number(date[3]) < 1 || Number(date[3]) > daysInMonth(Number(date[1]), Number(date[2])))) {
    throw new InputError(`the meeting ${what} "${value}" is not a real date`);
  }
  const time = Date.parse(value.trim());
  if (Number.isNaN(time)) throw new InputError(`the meeting ${what} "${value}" is not an ISO-8601 date and time (e.g. 2026-09-01T09:00:00-04:00)`);
  return new Date(time).toISOString();
}
