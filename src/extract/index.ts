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
import { linkSecrets, mergeSpans, type Span, type WrittenPasscode } from './secrets.js';
import { findTextMeetings } from './text-ids.js';
import type { TrackedText } from './tracked-text.js';
import type { MeetingRef } from './types.js';

export type { MeetingRef, OrgHint, OrgHintKind, RiskCues } from './types.js';
export type { Span, WrittenPasscode } from './secrets.js';
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
  return read(normalize(text), undefined);
}

/** A text's references and the spans of every secret in it. */
export interface Analysis {
  refs: MeetingRef[];
  /**
   * Every secret in the original text, sorted and merged: those of the
   * references, plus passcodes written without a reference and secret
   * parameters (`pwd`, `zak`, `tk`, …) of links that are not meeting links.
   */
  secrets: Span[];
  /**
   * Every passcode written in the text ("Passcode: 662810", "pw 1234"), in
   * order, whether a reference took it or not: a reply may carry the
   * passcode of the meeting its parent post names.
   */
  passcodes: WrittenPasscode[];
}

/** {@link extractRefs} plus every secret in the text, for masking it (`mask.ts`). */
export function analyse(text: string): Analysis {
  if (typeof text !== 'string' || text.length === 0) return { refs: [], secrets: [], passcodes: [] };
  const normalised = normalize(text);
  const written: WrittenPasscode[] = [];
  const refs = read(normalised, written);
  const passcodes = written.map((p) => ({ value: p.value, ...normalised.toOriginal(p.start, p.end) }));
  const secrets: Span[] = [...passcodes, ...linkSecrets(normalised.text).map((s) => normalised.toOriginal(s.start, s.end))];
  for (const ref of refs) secrets.push(...ref.secrets);
  return { refs, secrets: mergeSpans(secrets), passcodes };
}

/**
 * Ids that help pages and templates print (`zoom.us/j/1234567890`,
 * `000 000 0000`): the same digit throughout, or digits counting up or down.
 * No platform hands these out as meetings.
 */
export function isPlaceholderId(id: string): boolean {
  if (id.length < 6 || !/^\d+$/.test(id)) return false;
  let up = true;
  let down = true;
  let same = true;
  for (let i = 1; i < id.length; i++) {
    const step = (id.charCodeAt(i) - id.charCodeAt(i - 1) + 10) % 10;
    up &&= step === 1;
    down &&= step === 9;
    same &&= step === 0;
  }
  return up || down || same;
}

/** Words of help pages and templates around an example id ("e.g. 123 456 7890", "your meeting ID, for example …"). */
const HELP_TEXT = /\b(?:e\.g\.|eg\.|i\.e\.|for example|for instance|example|such as|looks like|format|sample|placeholder|your meeting id|enter (?:the|your) meeting)\b/i;

/**
 * An id only a help page or template prints: the same digit throughout
 * always; digits counting up or down (`1234567890`) in a link or beside
 * help-page words. A raid call may still write "bluejeans 123 456 7890".
 */
function isPlaceholder(c: Candidate, text: string): boolean {
  if (!isPlaceholderId(c.meetingId)) return false;
  return /^(\d)\1+$/.test(c.meetingId) || !c.fromText || HELP_TEXT.test(text);
}

function read(normalised: TrackedText, written: WrittenPasscode[] | undefined): MeetingRef[] {
  const norm = normalised.text;
  const links = findLinkMeetings(norm);
  const texts = findTextMeetings(norm, links, written);
  const merged = dedupe([...links, ...texts]).filter((c) => !isPlaceholder(c, norm));
  if (merged.length === 0) return [];
  const raids = raidPositions(norm);
  return merged.map((c: Candidate) => ({
    platform: c.platform,
    meetingId: c.meetingId,
    passcode: c.passcode,
    token: c.token,
    url: c.url,
    host: c.host,
    orgHint: c.orgHint,
    span: normalised.toOriginal(c.start, c.end),
    secrets: mergeSpans(c.secrets.map((s) => normalised.toOriginal(s.start, s.end))),
    cues: { passcodeExposed: c.passcode !== null, hostStart: c.hostStart, raidLanguage: nearRaid(raids, c.start, c.end) },
  }));
}
