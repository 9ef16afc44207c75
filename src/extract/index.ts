/**
 * The extractor: every video-meeting reference in a piece of public text
 * (DESIGN.md §3). Pure and synchronous; `scan.ts` streams it over JSON Lines.
 */
import type { Candidate } from './candidate.js';
import { nearRaid, raidPositions } from './cues.js';
import { dedupe } from './dedupe.js';
import { findLinkMeetings } from './find-links.js';
import { mightContainRef } from './gate.js';
import { normalize } from './normalize.js';
import { findTextMeetings } from './text-ids.js';
import type { MeetingRef } from './types.js';

export type { MeetingRef, OrgHint, OrgHintKind, RiskCues } from './types.js';
export { mightContainRef } from './gate.js';
export { PLATFORMS } from './platforms/index.js';

/**
 * Finds the meeting references in `text`: one per (platform, meetingId),
 * keeping the richest passcode/url and the first span, in order of
 * appearance. Spans are UTF-16 offsets into `text` itself.
 */
export function extractRefs(text: string): MeetingRef[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  if (!mightContainRef(text)) return [];
  const normalised = normalize(text);
  const norm = normalised.text;

  const links = findLinkMeetings(norm);
  const written = findTextMeetings(norm, links);
  const merged = dedupe([...links, ...written]);
  if (merged.length === 0) return [];
  const raids = raidPositions(norm);
  return merged.map((c: Candidate) => ({
    platform: c.platform,
    meetingId: c.meetingId,
    passcode: c.passcode,
    url: c.url,
    host: c.host,
    orgHint: c.orgHint,
    span: normalised.toOriginal(c.start, c.end),
    cues: { passcodeExposed: c.passcode !== null, hostStart: c.hostStart, raidLanguage: nearRaid(raids, c.start, c.end) },
  }));
}
