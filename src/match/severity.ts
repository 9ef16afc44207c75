import { type Schedule, isRecurring, lastSessionEnd, meetingEnded, nextOccurrence } from '../registry/recurrence.js';

/** How urgent a leak is, lowest first. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type MatchKind = 'meeting' | 'identifier' | 'name';
/** The passcode seen in posts compared with the registered one. */
export type PasscodeState = 'matches' | 'differs' | 'unknown' | null;

export interface SeverityInput {
  matchKind: MatchKind;
  /** What matched, in words: the meeting title, or the identifier. */
  matchedBy: string;
  passcodeState: PasscodeState;
  hostStart: boolean;
  raidLanguage: boolean;
  meeting: (Schedule & { public: boolean }) | null;
  /** Posts the meeting was seen in, and on how many different sources. */
  posts: number;
  sources: number;
  now: Date;
  startingSoonHours: number;
  repeatedPosts: number;
}

export interface SeverityAssessment {
  severity: Severity;
  /** Every reason behind the severity, in words an organiser understands. */
  reasons: string[];
  /** The meeting has ended, or its series has: no one needs to rotate it. */
  ended: boolean;
  /** Registered as public on purpose: recorded, never alerted. */
  allowListed: boolean;
}

/**
 * Rates a leak. Each reason moves the score one step; a host-start link is
 * critical on its own, because whoever holds it becomes the host.
 */
export function assessSeverity(input: SeverityInput): SeverityAssessment {
  const reasons: string[] = [];
  let score: number;
  switch (input.matchKind) {
    case 'meeting':
      score = 1;
      reasons.push(`matches the registered meeting ${input.matchedBy}`);
      break;
    case 'identifier':
      score = 1;
      reasons.push(`the link names ${input.matchedBy}, a verified identifier of the organisation`);
      break;
    case 'name':
      score = 0;
      reasons.push(`the post names the organisation (${input.matchedBy}); low confidence, for an admin to review`);
      break;
  }

  switch (input.passcodeState) {
    case 'matches':
      score++;
      reasons.push('the passcode is exposed and matches the registered one');
      break;
    case 'unknown':
      score++;
      reasons.push('a passcode is exposed (none registered to compare it with)');
      break;
    case 'differs':
      reasons.push('the posted passcode differs from the registered one (already changed?)');
      break;
    case null:
      break;
  }

  if (input.raidLanguage) {
    score++;
    reasons.push('raid language near the link ("raid", "bomb", "join and …")');
  }

  const meeting = input.meeting;
  const now = input.now;
  const recurring = meeting !== null && isRecurring(meeting, now);
  const ended = meeting !== null && meetingEnded(meeting, now);
  if (recurring) {
    score++;
    reasons.push('a recurring meeting: the same link works for every session');
  }
  // A series' next session, or the one in progress: a class seen the evening before it meets starts soon.
  const session = meeting !== null && !ended ? nextOccurrence(meeting, now) : null;
  if (session !== null) {
    const startsIn = session.startMs - now.getTime();
    if (startsIn <= input.startingSoonHours * 3_600_000) {
      score++;
      const start = new Date(session.startMs).toISOString();
      reasons.push(startsIn >= 0 ? `starts soon (${start})` : `in progress (started ${start})`);
    }
  }

  if (input.posts >= input.repeatedPosts) {
    score++;
    reasons.push(`posted ${input.posts} times`);
  } else if (input.sources >= 2) {
    score++;
    reasons.push(`posted on ${input.sources} different sites`);
  }

  if (ended) {
    score--;
    const seriesEnd = lastSessionEnd(meeting!, now);
    reasons.push(seriesEnd === null ? `the meeting ended (${meeting!.endsAt}) and does not recur` : `the series ended (its last session ended ${seriesEnd})`);
  }

  if (input.hostStart) {
    score = 3;
    reasons.unshift('a host-start link: whoever holds it starts the meeting as its host');
  }

  const allowListed = Boolean(meeting?.public);
  if (allowListed) reasons.push('allow-listed as public on purpose: no alert');

  return { severity: SEVERITIES[Math.max(0, Math.min(3, score))]!, reasons, ended, allowListed };
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
