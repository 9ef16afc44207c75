/**
 * One reference per (platform, meeting id) and text: a Zoom invitation names
 * the same meeting in its link, its "Meeting ID" line, its one-tap strings and
 * its SIP address. The merged reference keeps the first span and fills
 * passcode, URL, host and organisation hint from whichever mention had them.
 * A passcode written out ("Passcode: 662810") wins over a link token (Zoom's
 * encoded `pwd=`): it is the one an organiser registers and can compare.
 */
import type { Candidate } from './candidate.js';

/** Merges candidates of one meeting, in order of first appearance. */
export function dedupe(candidates: readonly Candidate[]): Candidate[] {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  const byKey = new Map<string, Candidate>();
  for (const c of sorted) {
    const key = `${c.platform}\u0000${c.meetingId}`;
    const kept = byKey.get(key);
    if (kept === undefined) {
      byKey.set(key, { ...c });
      continue;
    }
    if (c.passcode !== null && (kept.passcode === null || (!kept.passcodeWritten && c.passcodeWritten))) {
      kept.passcode = c.passcode;
      kept.passcodeWritten = c.passcodeWritten;
    }
    kept.url ??= c.url;
    kept.host ??= c.host;
    kept.orgHint ??= c.orgHint;
    kept.hostStart ||= c.hostStart;
  }
  return [...byKey.values()];
}
