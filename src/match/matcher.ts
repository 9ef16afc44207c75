import type { Config } from '../config/schema.js';
import type { Statement } from 'better-sqlite3';
import { analyse, extractRefs } from '../extract/index.js';
import { maskSecrets } from '../extract/mask.js';
import { type ParentPasscode, parentPasscode, postText } from '../extract/reply.js';
import type { MeetingRef } from '../extract/types.js';
import { compareFingerprint, comparePasscode, FINGERPRINT_KEY_NAME, maskPasscode, passcodeFingerprint, passcodeForm, type PasscodeForm } from '../registry/passcode.js';
import type { Db } from '../store/database.js';
import { installationKey } from '../store/settings.js';
import { type AlertPolicy, DEFAULT_ALERT_POLICY, queueAlerts } from './alerts.js';
import { capText, DEFAULT_MAX_POST_BYTES } from './post-cap.js';
import { ReferenceFilter } from './reference-filter.js';
import { recordLeakEvent, type LeakStatus } from './lifecycle.js';
import { meetingEnded, type Schedule } from '../registry/recurrence.js';
import { excludedStartsFromColumn } from '../registry/meetings.js';
import { assessSeverity, type MatchKind, type PasscodeState, severityRank, type Severity } from './severity.js';
import { statement } from '../store/statements.js';

/** A public post as a crawler (or `leakwatch ingest`) hands it over (DESIGN.md §6). */
export interface IncomingPost {
  source: string;
  sourceId: string;
  url?: string | null;
  author?: string | null;
  createdAt?: string | null;
  text: string;
  /** Links taken from the markup or metadata, which the visible text may shorten. */
  links?: string[];
  /** The source id of the post this one replies to (same source), when the source says. */
  replyTo?: string | null;
}

export interface MatchSettings {
  startingSoonHours: number;
  repeatedPosts: number;
  /** Digests, escalations and webhooks (`notify.*`); defaults when absent. */
  alerts?: AlertPolicy;
  /** A post longer than this (bytes, UTF-8; text and links) is cut before it is read (`ingest.maxPostBytes`). Default 256 KiB. */
  maxPostBytes?: number;
}

/** The matcher's settings from the configuration: `matching.*`, `ingest.maxPostBytes` and the queuing part of `notify.*`. */
export function matchSettingsFrom(config: Pick<Config, 'matching' | 'notify' | 'ingest'>): MatchSettings {
  return {
    ...config.matching,
    maxPostBytes: config.ingest.maxPostBytes,
    alerts: { digestHours: config.notify.digestHours, escalateAfterMinutes: config.notify.escalateAfterMinutes, dailyCap: config.notify.dailyCap, webhooks: config.notify.webhooks },
  };
}

/** What one page (or one retro-hunt) did. */
export interface MatchCounts {
  /** Posts read. */
  posts: number;
  /** Posts stored now (new, and carrying references, or a passcode for the post they reply to). */
  stored: number;
  references: number;
  /** Leaks opened (or re-opened). */
  leaks: number;
  /** Outbox messages queued. */
  queued: number;
  /**
   * Secrets found again after masking by span, so masked with their whole
   * reference: each one is a gap in the extractor, worth a warning.
   */
  maskedWhole: number;
}

interface MeetingRow {
  id: number;
  org_id: number;
  title: string | null;
  owner_email: string;
  passcode_hash: string | null;
  passcode_fingerprints: string | null;
  starts_at: string | null;
  ends_at: string | null;
  recurrence: string | null;
  time_zone: string | null;
  excluded_starts: string | null;
  public: number;
}

interface LeakRow {
  id: number;
  org_id: number;
  meeting_ref: number | null;
  match_kind: MatchKind;
  severity: Severity;
  status: LeakStatus;
  generation: number;
  passcode_state: PasscodeState;
  posts: number;
  sources: string;
  first_seen: string;
  last_seen: string;
}

/** A sighting as the matcher needs it. */
interface Sighting {
  id: number;
  platform: string;
  meetingId: string;
  orgHint: { kind: string; value: string } | null;
  hostStart: boolean;
  raidLanguage: boolean;
  hasPasscode: boolean;
  source: string;
  text: string;
  seenAt: string;
}

/** Whom a reference belongs to, and how sure we are. */
export interface Target {
  orgId: number;
  matchKind: MatchKind;
  meeting: MeetingRow | null;
  matchedBy: string;
  passcodeState: PasscodeState;
}

const MATCH_RANK: Record<MatchKind, number> = { name: 0, identifier: 1, meeting: 2 };
const PASSCODE_RANK: Record<string, number> = { null: 0, differs: 1, unknown: 2, matches: 3 };
const IDENTIFIER_HINTS = new Set(['zoom-subdomain', 'teams-tenant', 'webex-site', 'meeting-domain']);
const MATCHER = 'matcher';

/**
 * Ties meeting references to the organisations that registered them and
 * keeps one leak per (organisation, platform, meeting id). Everything a page
 * of posts causes — posts, sightings, leaks, leak events, queued alerts —
 * is written in one transaction.
 */
export class Matcher {
  #db: Db;
  #settings: MatchSettings;
  #policy: AlertPolicy;
  #extract: (text: string) => MeetingRef[];
  #fingerprintKey: Buffer;
  #names = new Map<string, { orgId: number; name: string; words: string[] }[]>();
  #sql: Record<string, Statement>;
  #filter: ReferenceFilter;

  constructor(db: Db, settings: MatchSettings, extract: (text: string) => MeetingRef[] = extractRefs) {
    this.#db = db;
    this.#settings = settings;
    this.#policy = settings.alerts ?? DEFAULT_ALERT_POLICY;
    this.#extract = extract;
    this.#fingerprintKey = installationKey(db, FINGERPRINT_KEY_NAME);
    this.#sql = {
      insertPost: statement(db, 
        `INSERT INTO posts (source, source_id, url, author, created_at, fetched_at, text, reply_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (source, source_id) DO NOTHING RETURNING id`,
      ),
      insertSighting: statement(db, 
        `INSERT INTO sightings (post_id, platform, meeting_id, url, host, org_hint_kind, org_hint_value, passcode_masked, passcode_hmac,
           token_masked, token_hmac, host_start, raid_language, span_start, span_end, seen_at, via_reply, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (post_id, platform, meeting_id) DO NOTHING RETURNING id`,
      ),
      postBySourceId: statement(db, 'SELECT id, text FROM posts WHERE source = ? AND source_id = ?'),
      ownSightings: statement(db, 'SELECT * FROM sightings WHERE post_id = ? AND via_reply = 0 ORDER BY id'),
      insertReplyPasscode: statement(db, 
        `INSERT INTO reply_passcodes (post_id, passcode_masked, passcode_hmac, span_start, span_end, raid_language) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (post_id) DO NOTHING`,
      ),
      repliesTo: statement(db, 
        `SELECT p.id AS post_id, p.source, p.text, p.created_at, p.fetched_at, r.passcode_masked, r.passcode_hmac, r.span_start, r.span_end, r.raid_language
         FROM posts p JOIN reply_passcodes r ON r.post_id = p.id WHERE p.source = ? AND p.reply_to = ? ORDER BY p.id`,
      ),
      meetingsByRef: statement(db, 'SELECT * FROM meetings WHERE platform = ? AND meeting_id = ?'),
      verifiedIdentifier: statement(db, "SELECT org_id, kind, value FROM identifiers WHERE kind = ? AND value = ? AND status = 'verified'"),
      leak: statement(db, 'SELECT * FROM leaks WHERE org_id = ? AND platform = ? AND meeting_id = ?'),
      insertLeak: statement(db, 
        `INSERT INTO leaks (org_id, meeting_ref, platform, meeting_id, match_kind, severity, reasons, status, status_reason,
           first_seen, last_seen, posts, sources, passcode_state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING *`,
      ),
      updateLeak: statement(db, 
        `UPDATE leaks SET meeting_ref = ?, match_kind = ?, severity = ?, reasons = ?, status = ?, generation = ?,
           first_seen = min(first_seen, ?), last_seen = max(last_seen, ?), posts = ?, sources = ?, passcode_state = ? WHERE id = ?`,
      ),
      linkSighting: statement(db, 'INSERT INTO leak_sightings (leak_id, sighting_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      meetingById: statement(db, 'SELECT * FROM meetings WHERE id = ?'),
    };
    this.#filter = ReferenceFilter.for(db);
    this.refreshNames();
  }

  /**
   * Re-reads the names of organisations with a verified identifier, for
   * low-confidence matches by name.
   */
  refreshNames(): void {
    this.#names.clear();
    const rows = statement(this.#db, "SELECT id, name FROM organisations WHERE id IN (SELECT org_id FROM identifiers WHERE status = 'verified')")
      .all() as { id: number; name: string }[];
    for (const row of rows) this.#addName(row.id, row.name);
  }

  /** Adds one organisation's name once it has a verified identifier (cheaper than {@link refreshNames} for one verification). */
  addNameOf(orgId: number): void {
    const name = statement(this.#db, 'SELECT name FROM organisations WHERE id = ?').pluck().get(orgId) as string | undefined;
    if (name !== undefined) this.#addName(orgId, name);
  }

  #addName(orgId: number, name: string): void {
    const words = wordsOf(name);
    // A one-word name must be distinctive enough not to match ordinary prose.
    if (words.length === 0 || (words.length === 1 && words[0]!.length < 6)) return;
    // Keyed by the first two words: keyed by one, the many names that start alike ("School of …",
    // "St …", "The …") would all be tried at every "school" or "the" in every post.
    const key = nameKey(words, 0);
    const list = this.#names.get(key) ?? [];
    if (list.some((entry) => entry.orgId === orgId)) return;
    list.push({ orgId, name, words });
    this.#names.set(key, list);
  }

  /**
   * Stores and matches one page of posts in one transaction. `alsoInTransaction`
   * runs inside it (a crawler's cursor), so a crash loses or doubles nothing.
   */
  ingestPage(posts: readonly IncomingPost[], options: { now?: Date; alsoInTransaction?: (db: Db) => void } = {}): MatchCounts {
    const now = options.now ?? new Date();
    this.#filter.refreshIfChangedElsewhere();
    return this.#db.transaction(() => {
      const counts: MatchCounts = { posts: posts.length, stored: 0, references: 0, leaks: 0, queued: 0, maskedWhole: 0 };
      for (const post of posts) this.#ingestPost(post, now, counts);
      options.alsoInTransaction?.(this.#db);
      return counts;
    })();
  }

  /** Matches the stored sightings of a newly registered meeting (retro-hunt). */
  retroHuntMeeting(registered: { id: number; platform: string; meetingId: string }, passcodes: readonly string[], now: Date = new Date()): MatchCounts {
    const counts: MatchCounts = { posts: 0, stored: 0, references: 0, leaks: 0, queued: 0, maskedWhole: 0 };
    const rows = statement(
      this.#db,
      `SELECT s.*, p.source, p.text FROM sightings s JOIN posts p ON p.id = s.post_id
       WHERE s.platform = ? AND s.meeting_id = ? ORDER BY s.seen_at`,
    ).all(registered.platform, registered.meetingId) as SightingRow[];
    if (rows.length === 0) return counts;
    const meeting = this.#sql.meetingById!.get(registered.id) as MeetingRow | undefined;
    if (rows.length === 0 || !meeting) return counts;
    const stateOf = this.#passcodeComparer(passcodes);
    for (const row of rows) {
      counts.references++;
      const target: Target = { orgId: meeting.org_id, matchKind: 'meeting', meeting, matchedBy: describeMeeting(meeting), passcodeState: stateOf(row) };
      this.#applyTarget(toSighting(row), target, now, counts);
    }
    return counts;
  }

  /** How a stored sighting's passcode compares with `passcodes` (a meeting's, in plain text, never stored). */
  #passcodeComparer(passcodes: readonly string[]): (row: Pick<SightingRow, 'passcode_hmac' | 'passcode_masked' | 'token_hmac' | 'token_masked'>) => PasscodeState {
    // A posted passcode is compared only with registered passcodes of its form (code or link token).
    const fingerprints = new Map<PasscodeForm, Set<string>>();
    for (const passcode of passcodes) {
      const form = passcodeForm(passcode);
      fingerprints.set(form, (fingerprints.get(form) ?? new Set()).add(passcodeFingerprint(this.#fingerprintKey, passcode)));
    }
    // The mask is as long as the passcode, so it tells the passcode's form.
    const stateOf = (hmac: string | null, masked: string | null): PasscodeState => {
      if (!hmac || !masked) return null;
      const registered = fingerprints.get(passcodeForm(masked));
      return !registered ? 'unknown' : registered.has(hmac) ? 'matches' : 'differs';
    };
    return (row) => combinePasscodeStates([stateOf(row.passcode_hmac, row.passcode_masked), stateOf(row.token_hmac, row.token_masked)]);
  }

  /**
   * After a meeting's passcode changed: each of its leaks compares the
   * passcodes posted in its sightings with the new one again (a rotated
   * meeting's leak now says the posted passcode no longer works), and its
   * severity follows, recorded in its history. No alert is queued for it.
   * Returns how many leaks changed.
   */
  reassessPasscode(registered: { id: number }, passcodes: readonly string[], now: Date = new Date()): number {
    const meeting = this.#sql.meetingById!.get(registered.id) as MeetingRow | undefined;
    if (!meeting) return 0;
    const stateOf = this.#passcodeComparer(passcodes);
    const leaks = statement(this.#db, 'SELECT * FROM leaks WHERE meeting_ref = ? AND org_id = ?').all(meeting.id, meeting.org_id) as LeakRow[];
    const sightingsOf = statement(this.#db, 'SELECT s.* FROM leak_sightings ls JOIN sightings s ON s.id = ls.sighting_id WHERE ls.leak_id = ?');
    let changed = 0;
    for (const leak of leaks) {
      const states = (sightingsOf.all(leak.id) as SightingRow[]).map(stateOf);
      const passcodeState = states.reduce<PasscodeState>((best, state) => (PASSCODE_RANK[String(state)]! > PASSCODE_RANK[String(best)]! ? state : best), null);
      if (passcodeState === leak.passcode_state) continue;
      const sources = (JSON.parse(leak.sources) as string[]).length;
      const target: Target = { orgId: leak.org_id, matchKind: leak.match_kind, meeting, matchedBy: describeMeeting(meeting), passcodeState };
      const assessment = this.#assess(target, this.#anySighting(leak.id, 'host_start'), this.#anySighting(leak.id, 'raid_language'), passcodeState, leak.posts, sources, now);
      statement(this.#db, 'UPDATE leaks SET passcode_state = ?, severity = ?, reasons = ? WHERE id = ?').run(passcodeState, assessment.severity, JSON.stringify(assessment.reasons), leak.id);
      recordLeakEvent(this.#db, {
        leakId: leak.id,
        actor: MATCHER,
        event: 'passcode',
        detail: { from: leak.passcode_state, to: passcodeState, severity: { from: leak.severity, to: assessment.severity }, reasons: assessment.reasons },
        at: now,
      });
      changed++;
    }
    return changed;
  }

  /** Matches the stored sightings that name a newly verified identifier (retro-hunt). */
  retroHuntIdentifier(identifier: { orgId: number; kind: string; value: string }, now: Date = new Date()): MatchCounts {
    const counts: MatchCounts = { posts: 0, stored: 0, references: 0, leaks: 0, queued: 0, maskedWhole: 0 };
    if (!IDENTIFIER_HINTS.has(identifier.kind)) return counts;
    const rows = statement(this.#db, 
        `SELECT s.*, p.source, p.text FROM sightings s JOIN posts p ON p.id = s.post_id
         WHERE s.org_hint_kind = ? AND s.org_hint_value = ? ORDER BY s.seen_at`,
      )
      .all(identifier.kind, identifier.value) as SightingRow[];
    for (const row of rows) {
      counts.references++;
      const target: Target = {
        orgId: identifier.orgId,
        matchKind: 'identifier',
        meeting: null,
        matchedBy: `${identifier.kind} ${identifier.value}`,
        passcodeState: row.passcode_hmac ? 'unknown' : null,
      };
      this.#applyTarget(toSighting(row), target, now, counts);
    }
    return counts;
  }

  /** Queues the alerts an organisation's open leaks are owed now (after an email domain is verified). */
  releaseWaitingAlerts(orgId: number, now: Date = new Date()): number {
    const leaks = statement(this.#db, "SELECT * FROM leaks WHERE org_id = ? AND status IN ('open', 'notified')").all(orgId) as LeakRow[];
    let queued = 0;
    for (const leak of leaks) {
      const meeting = leak.meeting_ref ? (this.#sql.meetingById!.get(leak.meeting_ref) as MeetingRow | undefined) ?? null : null;
      queued += queueAlerts(this.#db, alertable(leak, meeting, this.#isQuiet(meeting, now), false), now, this.#policy);
    }
    return queued;
  }

  #ingestPost(post: IncomingPost, now: Date, counts: MatchCounts): void {
    // Where every post enters the pipeline, crawled or ingested: cut before anything reads it.
    const text = capText(postText(post), this.#settings.maxPostBytes ?? DEFAULT_MAX_POST_BYTES);
    const replyTo = typeof post.replyTo === 'string' && post.replyTo !== '' && post.replyTo !== post.sourceId ? post.replyTo : null;
    let refs: MeetingRef[];
    // A reply may carry the passcode of the meeting its parent names; other posts need only their references.
    let carried: ParentPasscode | null = null;
    if (replyTo === null) {
      refs = this.#extract(text);
    } else {
      const analysis = analyse(text);
      refs = analysis.refs;
      carried = parentPasscode(text, analysis);
    }
    if (refs.length === 0 && carried === null) return;
    // A parent stored without references of its own (a reply itself) never gains any: nothing to wait for.
    const parent = carried !== null && replyTo !== null ? ((this.#sql.postBySourceId!.get(post.source, replyTo) as { id: number; text: string } | undefined) ?? null) : null;
    const parentSightings = parent ? (this.#sql.ownSightings!.all(parent.id) as ParentSighting[]) : [];
    if (refs.length === 0 && parent !== null && parentSightings.length === 0) return;
    counts.references += refs.length;
    const mask = (value: string) => {
      const masked = maskSecrets(value);
      counts.maskedWhole += masked.residual;
      return masked.text;
    };
    const storedText = mask(text);
    const postId = this.#sql.insertPost!.pluck().get(
      post.source,
      post.sourceId,
      post.url ? mask(post.url) : null,
      post.author ?? null,
      post.createdAt ?? null,
      now.toISOString(),
      storedText,
      replyTo,
    ) as number | undefined;
    // Already stored: re-reading a post changes nothing.
    if (postId === undefined) return;
    counts.stored++;
    const seenAt = seenAtOf(post.createdAt ?? null, now.toISOString());

    for (const ref of refs) {
      const sightingId = this.#sql.insertSighting!.pluck().get(
        postId,
        ref.platform,
        ref.meetingId,
        ref.url ? mask(ref.url) : null,
        ref.host,
        ref.orgHint?.kind ?? null,
        ref.orgHint?.value ?? null,
        ref.passcode ? maskPasscode(ref.passcode) : null,
        ref.passcode ? passcodeFingerprint(this.#fingerprintKey, ref.passcode) : null,
        ref.token ? maskPasscode(ref.token) : null,
        ref.token ? passcodeFingerprint(this.#fingerprintKey, ref.token) : null,
        ref.cues.hostStart ? 1 : 0,
        ref.cues.raidLanguage ? 1 : 0,
        ref.span.start,
        ref.span.end,
        seenAt,
        0,
        now.toISOString(),
      ) as number | undefined;
      if (sightingId === undefined) continue;
      const sighting: Sighting = {
        id: sightingId,
        platform: ref.platform,
        meetingId: ref.meetingId,
        orgHint: ref.orgHint,
        hostStart: ref.cues.hostStart,
        raidLanguage: ref.cues.raidLanguage,
        hasPasscode: ref.passcode !== null,
        source: post.source,
        text: storedText,
        seenAt,
      };
      for (const target of this.#targets(sighting, postedForms(ref))) this.#applyTarget(sighting, target, now, counts);
    }

    if (carried !== null) {
      const reply: Reply = {
        postId,
        source: post.source,
        text: storedText,
        seenAt,
        masked: maskPasscode(carried.value),
        fingerprint: passcodeFingerprint(this.#fingerprintKey, carried.value),
        span: { start: carried.start, end: carried.end },
        raidLanguage: carried.raidLanguage,
      };
      // Kept (masked) for a parent that is not stored yet, or that arrives again after retention.
      this.#sql.insertReplyPasscode!.run(postId, reply.masked, reply.fingerprint, reply.span.start, reply.span.end, reply.raidLanguage ? 1 : 0);
      if (parent !== null) this.#applyReply(reply, parent.text, parentSightings, now, counts, carried.value);
    }
    // Replies that came before this post, waiting for it: only a post with references of its own has something to give them.
    if (refs.length > 0) {
      const waiting = this.#sql.repliesTo!.all(post.source, post.sourceId) as WaitingReplyRow[];
      if (waiting.length > 0) {
        const own = this.#sql.ownSightings!.all(postId) as ParentSighting[];
        for (const row of waiting) this.#applyReply(toReply(row), storedText, own, now, counts, null);
      }
    }
  }

  /**
   * Adds a reply as a sighting of each meeting its parent names, carrying the
   * reply's passcode, and matches it as the parent's sightings were matched
   * (the parent's text names the same organisations). The passcode is
   * compared with the registered one in full when the reply is being read
   * (`passcode`), else by its fingerprint (the reply waited for its parent).
   */
  #applyReply(reply: Reply, parentText: string, parentSightings: readonly ParentSighting[], now: Date, counts: MatchCounts, passcode: string | null): void {
    const compare = (meeting: MeetingRow): PasscodeState =>
      passcode !== null ? comparePasscode(passcode, meeting.passcode_hash) : compareFingerprint(reply.masked, reply.fingerprint, meeting.passcode_fingerprints);
    for (const parent of parentSightings) {
      // A reply that names the same meeting itself is read as its own post (the insert finds its sighting).
      const sightingId = this.#sql.insertSighting!.pluck().get(
        reply.postId,
        parent.platform,
        parent.meeting_id,
        null,
        null,
        parent.org_hint_kind,
        parent.org_hint_value,
        reply.masked,
        reply.fingerprint,
        null,
        null,
        0,
        reply.raidLanguage ? 1 : 0,
        reply.span.start,
        reply.span.end,
        reply.seenAt,
        1,
        now.toISOString(),
      ) as number | undefined;
      if (sightingId === undefined) continue;
      const sighting: Sighting = {
        id: sightingId,
        platform: parent.platform,
        meetingId: parent.meeting_id,
        orgHint: parent.org_hint_kind && parent.org_hint_value ? { kind: parent.org_hint_kind, value: parent.org_hint_value } : null,
        hostStart: false,
        raidLanguage: reply.raidLanguage,
        hasPasscode: true,
        source: reply.source,
        text: reply.text,
        seenAt: reply.seenAt,
      };
      for (const target of this.#targets({ ...sighting, text: parentText }, [], compare)) this.#applyTarget(sighting, target, now, counts);
    }
  }

  /**
   * Whom a reference in a post belongs to: the organisations that registered
   * the meeting, else the one whose verified identifier it names, else
   * (weakly) those the post names. Reads only.
   */
  matchReference(ref: Pick<MeetingRef, 'platform' | 'meetingId' | 'orgHint' | 'passcode'> & Partial<Pick<MeetingRef, 'token'>>, postText: string): Target[] {
    return this.#targets({ platform: ref.platform, meetingId: ref.meetingId, orgHint: ref.orgHint, text: postText }, postedForms(ref));
  }

  /**
   * `posted`: the forms of the passcode the reference carries (written code,
   * link token), none when it carries none. `compare` instead compares a
   * passcode known otherwise (a reply's) with a registered meeting's.
   */
  #targets(
    sighting: Pick<Sighting, 'platform' | 'meetingId' | 'orgHint' | 'text'>,
    posted: readonly string[],
    compare?: (meeting: MeetingRow) => PasscodeState,
  ): Target[] {
    const passcode = posted.length > 0 ? posted : null;
    const exposed = passcode !== null || compare !== undefined;
    // Most references belong to nobody: they get here and leave without allocating anything.
    let targets: Map<number, Target> | null = null;
    if (this.#filter.mayHaveMeeting(sighting.platform, sighting.meetingId)) {
      for (const meeting of this.#sql.meetingsByRef!.all(sighting.platform, sighting.meetingId) as MeetingRow[]) {
        const passcodeState = compare ? compare(meeting) : passcode === null ? null : combinePasscodeStates(passcode.map((p) => comparePasscode(p, meeting.passcode_hash)));
        (targets ??= new Map()).set(meeting.org_id, { orgId: meeting.org_id, matchKind: 'meeting', meeting, matchedBy: describeMeeting(meeting), passcodeState });
      }
    }
    const hint = sighting.orgHint;
    if (hint && IDENTIFIER_HINTS.has(hint.kind) && this.#filter.mayHaveIdentifier(hint.kind, hint.value)) {
      const identifier = this.#sql.verifiedIdentifier!.get(hint.kind, hint.value) as { org_id: number; kind: string; value: string } | undefined;
      if (identifier && !targets?.has(identifier.org_id)) {
        (targets ??= new Map()).set(identifier.org_id, {
          orgId: identifier.org_id,
          matchKind: 'identifier',
          meeting: null,
          matchedBy: `${identifier.kind} ${identifier.value}`,
          passcodeState: exposed ? 'unknown' : null,
        });
      }
    }
    if (targets === null && this.#names.size > 0) {
      for (const { orgId, name } of this.#namesIn(sighting.text)) {
        (targets ??= new Map()).set(orgId, { orgId, matchKind: 'name', meeting: null, matchedBy: name, passcodeState: exposed ? 'unknown' : null });
      }
    }
    return targets === null ? [] : [...targets.values()];
  }

  #namesIn(text: string): { orgId: number; name: string }[] {
    const words = wordsOf(text);
    const found = new Map<number, string>();
    const check = (candidates: readonly { orgId: number; name: string; words: string[] }[] | undefined, index: number) => {
      for (const candidate of candidates ?? []) {
        if (candidate.words.every((w, offset) => words[index + offset] === w)) found.set(candidate.orgId, candidate.name);
      }
    };
    for (let index = 0; index < words.length; index++) {
      check(this.#names.get(words[index]!), index);
      if (index + 1 < words.length) check(this.#names.get(nameKey(words, index)), index);
    }
    return [...found].map(([orgId, name]) => ({ orgId, name }));
  }

  #applyTarget(sighting: Sighting, target: Target, now: Date, counts: MatchCounts): void {
    const db = this.#db;
    const existing = this.#sql.leak!.get(target.orgId, sighting.platform, sighting.meetingId) as LeakRow | undefined;
    const quiet = this.#isQuiet(target.meeting, now);

    if (!existing) {
      const sources = [sighting.source];
      const assessment = this.#assess(target, sighting.hostStart, sighting.raidLanguage, target.passcodeState, 1, sources.length, now);
      const status: LeakStatus = assessment.allowListed ? 'ignored' : 'open';
      const leak = this.#sql.insertLeak!.get(
        target.orgId,
        target.meeting?.id ?? null,
        sighting.platform,
        sighting.meetingId,
        target.matchKind,
        assessment.severity,
        JSON.stringify(assessment.reasons),
        status,
        assessment.allowListed ? 'allow-listed as public on purpose' : null,
        sighting.seenAt,
        sighting.seenAt,
        JSON.stringify(sources),
        target.passcodeState,
      ) as LeakRow;
      this.#sql.linkSighting!.run(leak.id, sighting.id);
      recordLeakEvent(db, {
        leakId: leak.id,
        actor: MATCHER,
        event: 'opened',
        to: status,
        detail: { sighting: sighting.id, matchKind: target.matchKind, severity: assessment.severity, reasons: assessment.reasons },
        at: now,
      });
      counts.leaks++;
      counts.queued += queueAlerts(db, alertable(leak, target.meeting, quiet, false), now, this.#policy);
      return;
    }

    if (this.#sql.linkSighting!.run(existing.id, sighting.id).changes === 0) return;
    const sources = [...new Set([...(JSON.parse(existing.sources) as string[]), sighting.source])];
    const posts = existing.posts + 1;
    const matchKind = MATCH_RANK[target.matchKind] > MATCH_RANK[existing.match_kind] ? target.matchKind : existing.match_kind;
    const meeting = target.meeting ?? (existing.meeting_ref ? ((this.#sql.meetingById!.get(existing.meeting_ref) as MeetingRow | undefined) ?? null) : null);
    const passcodeState = PASSCODE_RANK[String(target.passcodeState)]! > PASSCODE_RANK[String(existing.passcode_state)]! ? target.passcodeState : existing.passcode_state;
    const hostStart = sighting.hostStart || this.#anySighting(existing.id, 'host_start');
    const raid = sighting.raidLanguage || this.#anySighting(existing.id, 'raid_language');
    const assessment = this.#assess({ ...target, matchKind, meeting, matchedBy: meeting ? describeMeeting(meeting) : target.matchedBy }, hostStart, raid, passcodeState, posts, sources.length, now);

    let status = existing.status;
    let generation = existing.generation;
    if (status === 'resolved') {
      status = 'open';
      generation++;
      recordLeakEvent(db, { leakId: existing.id, actor: MATCHER, event: 'reopened', from: 'resolved', to: 'open', detail: { sighting: sighting.id }, at: now });
      counts.leaks++;
    } else {
      recordLeakEvent(db, { leakId: existing.id, actor: MATCHER, event: 'sighting', detail: { sighting: sighting.id, source: sighting.source }, at: now });
    }
    if (severityRank(assessment.severity) !== severityRank(existing.severity)) {
      recordLeakEvent(db, {
        leakId: existing.id,
        actor: MATCHER,
        event: 'severity',
        detail: { from: existing.severity, to: assessment.severity, reasons: assessment.reasons },
        at: now,
      });
    }
    this.#sql.updateLeak!.run(
      meeting?.id ?? null,
      matchKind,
      assessment.severity,
      JSON.stringify(assessment.reasons),
      status,
      generation,
      sighting.seenAt,
      sighting.seenAt,
      posts,
      JSON.stringify(sources),
      passcodeState,
      existing.id,
    );
    counts.queued += queueAlerts(
      db,
      alertable({ ...existing, match_kind: matchKind, status, generation, severity: assessment.severity }, meeting, quiet, true),
      now,
      this.#policy,
    );
  }

  #assess(target: Target, hostStart: boolean, raidLanguage: boolean, passcodeState: PasscodeState, posts: number, sources: number, now: Date) {
    const meeting = target.meeting;
    return assessSeverity({
      matchKind: target.matchKind,
      matchedBy: target.matchedBy,
      passcodeState,
      hostStart,
      raidLanguage,
      meeting: meeting ? { ...scheduleOf(meeting), public: meeting.public === 1 } : null,
      posts,
      sources,
      now,
      ...this.#settings,
    });
  }

  #anySighting(leakId: number, column: 'host_start' | 'raid_language'): boolean {
    return (
      statement(this.#db, `SELECT 1 FROM leak_sightings ls JOIN sightings s ON s.id = ls.sighting_id WHERE ls.leak_id = ? AND s.${column} = 1 LIMIT 1`)
        .pluck()
        .get(leakId) === 1
    );
  }

  #isQuiet(meeting: MeetingRow | null, now: Date): boolean {
    if (!meeting) return false;
    if (meeting.public === 1) return true;
    return meetingEnded(scheduleOf(meeting), now);
  }
}

function scheduleOf(meeting: MeetingRow): Schedule {
  return { startsAt: meeting.starts_at, endsAt: meeting.ends_at, recurrence: meeting.recurrence, timeZone: meeting.time_zone, excludedStarts: excludedStartsFromColumn(meeting.excluded_starts) };
}

/** A reply's passcode for the post it answers, masked and fingerprinted (`reply_passcodes`). */
interface Reply {
  postId: number;
  source: string;
  /** The reply's stored (masked) text. */
  text: string;
  seenAt: string;
  masked: string;
  fingerprint: string;
  /** Where the passcode is written in the reply. */
  span: { start: number; end: number };
  raidLanguage: boolean;
}

/** What a reply takes of each sighting of its parent: the meeting and what names its owner. */
type ParentSighting = Pick<SightingRow, 'platform' | 'meeting_id' | 'org_hint_kind' | 'org_hint_value'>;

interface WaitingReplyRow {
  post_id: number;
  source: string;
  text: string;
  created_at: string | null;
  fetched_at: string;
  passcode_masked: string;
  passcode_hmac: string;
  span_start: number;
  span_end: number;
  raid_language: number;
}

function toReply(row: WaitingReplyRow): Reply {
  return {
    postId: row.post_id,
    source: row.source,
    text: row.text,
    // As when the reply was read: when it was posted, else when it was read.
    seenAt: seenAtOf(row.created_at, row.fetched_at),
    masked: row.passcode_masked,
    fingerprint: row.passcode_hmac,
    span: { start: row.span_start, end: row.span_end },
    raidLanguage: row.raid_language === 1,
  };
}

/** When a post was seen: when it was posted if that is a readable time, else `fallback` (when it was read). */
function seenAtOf(createdAt: string | null, fallback: string): string {
  return createdAt && !Number.isNaN(Date.parse(createdAt)) ? new Date(createdAt).toISOString() : fallback;
}

interface SightingRow {
  id: number;
  platform: string;
  meeting_id: string;
  org_hint_kind: string | null;
  org_hint_value: string | null;
  passcode_hmac: string | null;
  passcode_masked: string | null;
  token_hmac: string | null;
  token_masked: string | null;
  host_start: number;
  raid_language: number;
  seen_at: string;
  source: string;
  text: string;
}

/** The passcode forms a reference carries: the written code and the link's token. */
function postedForms(ref: { passcode: string | null; token?: string | null }): string[] {
  const forms: string[] = [];
  if (ref.passcode) forms.push(ref.passcode);
  if (ref.token && ref.token !== ref.passcode) forms.push(ref.token);
  return forms;
}

/**
 * One verdict for several forms of a posted passcode: it matches when any
 * form matches what was registered, differs when a form was compared and
 * none matched, and is unknown when nothing of its forms was registered.
 */
export function combinePasscodeStates(states: readonly PasscodeState[]): PasscodeState {
  if (states.includes('matches')) return 'matches';
  if (states.includes('differs')) return 'differs';
  if (states.includes('unknown')) return 'unknown';
  return null;
}

function toSighting(row: SightingRow): Sighting {
  return {
    id: row.id,
    platform: row.platform,
    meetingId: row.meeting_id,
    orgHint: row.org_hint_kind && row.org_hint_value ? { kind: row.org_hint_kind, value: row.org_hint_value } : null,
    hostStart: row.host_start === 1,
    raidLanguage: row.raid_language === 1,
    hasPasscode: row.passcode_hmac !== null,
    source: row.source,
    text: row.text,
    seenAt: row.seen_at,
  };
}

function alertable(
  leak: Pick<LeakRow, 'id' | 'org_id' | 'match_kind' | 'status' | 'generation' | 'severity'>,
  meeting: MeetingRow | null,
  quiet: boolean,
  newSighting: boolean,
) {
  return {
    id: leak.id,
    orgId: leak.org_id,
    matchKind: leak.match_kind,
    status: leak.status,
    generation: leak.generation,
    severity: leak.severity,
    ownerEmail: meeting?.owner_email ?? null,
    quiet,
    newSighting,
  };
}

function describeMeeting(meeting: { title: string | null; id: number }): string {
  return meeting.title ? `"${meeting.title}"` : `#${meeting.id}`;
}

/** The index key of a name starting at `words[index]`: its first two words, or its only word. */
function nameKey(words: readonly string[], index: number): string {
  return index + 1 < words.length ? `${words[index]} ${words[index + 1]}` : words[index]!;
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
