/**
 * One reference per (platform, meeting id) and text: a Zoom invitation names
 * the same meeting in its link, its "Meeting ID" line, its one-tap strings and
 * its SIP address. The merged reference keeps the first span and fills
 * passcode, URL, host and organisation hint from whichever mention had them,
 * and the secrets of all. A passcode written out ("Passcode: 662810") is the
 * passcode: it is the one an organiser registers; a link token (Zoom's
 * encoded `pwd=`) seen too is kept as the token.
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
      byKey.set(key, { ...c, secrets: [...c.secrets] });
      continue;
    }
    if (c.passcode !== null) {
      if (kept.passcode === null) {
        kept.passcode = c.passcode;
        kept.passcodeWritten = c.passcodeWritten;
      } else if (!kept.passcodeWritten && c.passcodeWritten) {
        kept.token ??= kept.passcode;
        kept.passcode = c.passcode;
        kept.passcodeWritten = true;
      } else if (kept.passcodeWritten && !c.passcodeWritten && c.passcode !== kept.passcode) {
        kept.token ??= c.passcode;
      }
    }
    kept.token ??= c.token;
    kept.secrets.push(...c.secrets);
    kept.url ??= c.url;
    kept.host ??= c.host;
    kept.orgHint ??= c.orgHint;
    kept.hostStart ||= c.hostStart;
  }
  return [...byKey.values()];
}
