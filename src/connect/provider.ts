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
   * Every meeting of the account, a batch per host (or per page), so that
   * passcodes are hashed and written as they arrive. The walk is complete
   * when the iterator ends without throwing; only then may meetings missing
   * from it be removed.
   */
  meetings(signal?: AbortSignal): AsyncIterable<UpstreamMeeting[]>;
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
  /** Base URLs of the configuration (`connections.<name>`). */
  urls(config: Record<string, unknown>): Record<string, string>;
  session(credential: ConnectionCredential, context: ProviderContext): ProviderSession;
}
