/**
 * What the email and webhook templates are given: plain values read from the
 * database when a message is sent, so a message says what is true then.
 * Nothing here holds a passcode in full: sightings carry it masked, and post
 * text was stored with passcodes masked.
 */

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** One post a leaked meeting was seen in. */
export interface SightingView {
  /** Source name: reddit, mastodon, bluesky, hackernews, fourchan, telegram, lemmy, discourse, rss, x, webpage, or what `ingest --source` was given. */
  source: string;
  /** Link to the post, when the source has one. */
  postUrl: string | null;
  author: string | null;
  /** When the post was written (ISO 8601), when known. */
  postedAt: string | null;
  /** When leakwatch read it (ISO 8601). */
  seenAt: string;
  /** Post text around the reference (at most a few hundred characters), passcodes already masked. Untrusted: escape it. */
  excerpt: string;
  /** The meeting link as posted, passcodes masked; null for an id written as text. */
  link: string | null;
  /** The passcode as seen, masked (`••••••`), or null when none was posted. */
  passcodeMasked: string | null;
  /**
   * Set when this post is a reply that gave the passcode of the meeting named
   * in the post it replies to (`postUrl`, the link to that post when known).
   */
  inReplyTo?: { postUrl: string | null } | null;
  /** The link starts the meeting as its host (Zoom `/s/` links): anyone can take the meeting over. */
  hostStart: boolean;
  /** Raid language ("bomb", "raid", "join and …") near the reference. */
  raidLanguage: boolean;
}

/** A leak: one meeting of one organisation, seen in one or more posts. */
export interface LeakView {
  id: number;
  orgId: number;
  orgName: string;
  /** Platform slug from the extractor's catalogue: zoom, google-meet, teams, webex, goto, jitsi, … */
  platform: string;
  /** The canonical meeting id (public already: it was posted). */
  meetingId: string;
  /** The registered meeting's title, when the leak matched a registered meeting that has one. */
  meetingTitle: string | null;
  /** The meeting recurs (an RRULE is registered). */
  recurring: boolean;
  /** How the leak was tied to the organisation: a registered meeting, a verified identifier, or the organisation's name. */
  matchKind: 'meeting' | 'identifier' | 'name';
  severity: Severity;
  /** Why the severity is what it is, in words, most important first. */
  reasons: string[];
  status: 'open' | 'notified' | 'acknowledged' | 'resolved' | 'ignored';
  /** Whether a posted passcode matches the registered one; null when none was posted. */
  passcodeState: 'matches' | 'differs' | 'unknown' | null;
  firstSeen: string;
  lastSeen: string;
  /** Any sighting, shown or not, was a host-start link. */
  hostStart: boolean;
  /** Any sighting, shown or not, had raid language near it. */
  raidLanguage: boolean;
  /** Most recently seen first (`seenAt`); at most a handful. */
  sightings: SightingView[];
  /** How many sightings the leak has in all. */
  totalSightings: number;
}

/** Signed, expiring, single-use links for one leak and one recipient. */
export interface LeakLinks {
  /** "I rotated it": resolves the leak. */
  resolve: string;
  acknowledge: string;
  /** "Not ours / public on purpose": ignores the leak. */
  ignore: string;
  /** "Rotate it for me": only for a meeting leakwatch can rotate through its platform connection. */
  rotate?: string | undefined;
}

/** Links every message to a person carries. */
export interface RecipientLinks {
  /** The recipient's page: their leaks at this organisation and their email settings. */
  manage: string;
  /** One-click unsubscribe (RFC 8058), also sent as List-Unsubscribe. */
  unsubscribe: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** The first email about a leak to one recipient, or its escalation to the admins. */
export interface AlertEmailInput {
  kind: 'alert' | 'escalation';
  /** The organiser of a registered meeting, or an admin of the organisation. */
  role: 'organiser' | 'admin';
  recipient: string;
  leak: LeakView;
  links: LeakLinks & RecipientLinks;
  /** For an escalation: how long the leak has gone unacknowledged, in minutes. */
  unacknowledgedMinutes?: number;
}

/** Later sightings of leaks already alerted, to one recipient. */
export interface DigestEmailInput {
  recipient: string;
  orgName: string;
  /** The digest covers sightings since this time (ISO 8601). */
  since: string;
  items: Array<{ leak: LeakView; newSightings: SightingView[]; links: LeakLinks }>;
  links: RecipientLinks;
}

/** A sign-in link to the dashboard, to the address that asked for it. */
export interface SignInEmailInput {
  recipient: string;
  link: string;
  /** When the link stops working (ISO 8601). */
  expiresAt: string;
  /** How long it works, in minutes, as configured. */
  ttlMinutes: number;
}

/** A connected platform account whose credential the platform refuses: told once to the organisation's admins. */
export interface ConnectionFailedEmailInput {
  recipient: string;
  organisation: string;
  /** "Zoom". */
  provider: string;
  accountId: string;
  connectionId: number;
  /** Why, as the sync recorded it (never a secret). */
  error: string;
  /** Since when it has been refused (ISO 8601). */
  since: string;
}
