import type { IdentifierKind } from '../registry/identifier-value.js';
import type { ApiClient } from './api-client.js';

/** The platforms an organisation can connect (`connections.provider`). */
export type ProviderName = 'zoom' | 'microsoft' | 'google';

/** What a connection holds: the account, the app's public id, and its secret (opened only in memory). */
export interface ConnectionCredential {
  accountId: string;
  clientId: string;
  /** The app's secret (Zoom client secret, Entra client secret, a service account's key). */
  secret: string;
}

/** A meeting as the platform reports it, already in leakwatch's terms. */
export interface UpstreamMeeting {
  /** The platform's own id of the meeting; kept in `meetings.origin_uid` so a deletion upstream removes it. */
  upstreamId: string;
  /** Canonicalised like anything an organiser registers (`prepareMeeting`): a join link or an id. */
  meetingId: string;
  platform: string;
  /** The passcode people type; hashed as soon as the meeting is prepared, never stored. */
  passcode: string | null;
  title: string | null;
  /** The host: the organiser alerts go to. */
  ownerEmail: string;
  startsAt: string | null;
  endsAt: string | null;
  /** RFC 5545 RRULE of a recurring meeting. */
  recurrence: string | null;
  /** The IANA time zone a recurring meeting's sessions keep their wall-clock time in (`Europe/London`); absent: UTC. */
  timeZone?: string | null;
  /** Starts of a recurring meeting's sessions that do not take place (deleted occurrences, EXDATE), ISO-8601. */
  excludedStarts?: readonly string[] | null;
}

/**
 * Part of a walk of an account's meetings. A scope's batches come one after
 * another; the last carries its cursor.
 */
export interface MeetingBatch {
  /** Whose meetings these are: a host's id at the platform, or `''` for a platform walked whole each time (Zoom). */
  scope: string;
  meetings: UpstreamMeeting[];
  /**
   * true: the scope's batches of this walk hold everything it has now, so a
   * stored meeting of the scope missing from them is gone upstream; false:
   * only the changes since the scope's cursor.
   */
  complete: boolean;
  /** Upstream ids cancelled or deleted since the cursor (changes only). */
  removed?: string[];
  /** Where the next walk of this scope resumes (Graph's `@odata.deltaLink`, Calendar's `nextSyncToken`); absent where the platform offers none. */
  cursor?: string;
}

/** An identifier the platform reported for the connected account, with where it was read. */
export interface ReportedIdentifier {
  kind: IdentifierKind;
  value: string;
  /** In words, for the audit log: which answer of the API named it. */
  evidence: string;
}

/**
 * One connected account's conversation with its platform. A session keeps
 * its access token in memory and refreshes it before it expires; the token
 * is never stored or logged.
 */
export interface ProviderSession {
  /** Obtains (or reuses) an access token and returns the scopes the platform granted. A {@link CredentialError} when refused. */
  authorise(signal?: AbortSignal): Promise<{ scopes: string[] }>;
  /**
   * The account's meetings, in batches (a host's, or a page of one), so that
   * passcodes are hashed and written as they arrive. `cursors` are the
   * {@link MeetingBatch.cursor}s of the last complete walk, by scope: a
   * platform that offers incremental sync (Graph delta queries, Calendar
   * sync tokens) answers with only what changed since, and lists a scope
   * whole again when its cursor is refused. Every scope the account has now
   * is yielded at least once (an empty batch if nothing changed); stored
   * meetings of a scope not yielded are removed. The walk is complete when
   * the iterator ends without throwing; only then is anything removed.
   */
  meetings(cursors: ReadonlyMap<string, string>, signal?: AbortSignal): AsyncIterable<MeetingBatch>;
  /** The identifiers the platform's answers named during the walk (call after {@link meetings} completes). */
  identifiers(): ReportedIdentifier[];
  /**
   * Makes a leaked meeting useless to whoever read the leak, as far as the
   * platform's API allows (Zoom: a new passcode, so a new join link, and the
   * waiting room on). Needs the write scope the admin opted in to. Absent
   * where the platform allows nothing of the kind.
   */
  rotate?(upstreamId: string, signal?: AbortSignal): Promise<Rotated>;
  /** One meeting as the platform has it now; null when it is gone. For event notifications (Zoom's webhooks). */
  meeting?(upstreamId: string, signal?: AbortSignal): Promise<UpstreamMeeting | null>;
}

/** What a rotation did on the platform. */
export interface Rotated {
  /** The new passcode: hashed at once like any, never stored, logged or emailed. */
  passcode: string | null;
  /** The new join link (it carries the new passcode's token: hashed, never emailed). */
  joinUrl: string | null;
  /** What was changed, in words for the organiser ("a new passcode", "the waiting room on"). */
  changes: string[];
  /** Where the organiser finds the new invitation to share. */
  whereNew: string;
  /**
   * What of the posted link still works, in a sentence for the organiser,
   * where the platform leaves it working (Teams: the link stays, strangers
   * wait in the lobby). Absent: the posted link and passcode no longer work.
   */
  oldLink?: string;
}

/** What a session needs besides the credential: where the platform is and the guarded HTTP client. */
export interface ProviderContext {
  api: ApiClient;
  /** Base URLs by name (`connections.<provider>.*`). */
  urls: Record<string, string>;
  /** Clock, for token expiry. Default `Date.now`. */
  now?: () => number;
}

/** A platform leakwatch can connect to: a small typed object in the explicit list of `providers.ts`. */
export interface Provider {
  name: ProviderName;
  /** For people: "Zoom". */
  label: string;
  /** The narrowest scopes that read users and meetings; a connection without one of them is refused. */
  readScopes: readonly string[];
  /** Asked for only when the admin opts in to rotation. */
  writeScopes: readonly string[];
  /** Its sessions can {@link ProviderSession.rotate} a meeting. */
  rotates?: boolean;
  /** The secret is a whole file of several lines (Google's JSON key), not one line. */
  secretIsFile?: boolean;
  /** Base URLs of the configuration (`connections.<name>`). */
  urls(config: Record<string, unknown>): Record<string, string>;
  session(credential: ConnectionCredential, context: ProviderContext): ProviderSession;
}
