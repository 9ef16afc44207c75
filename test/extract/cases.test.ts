/**
 * The labelled cases: every file under `cases/`, one `it` per case, each
 * asserting the exact set of references with their passcodes, organisation
 * hints and host-start flags.
 */
import { describe, expect, it } from 'vitest';
import { extractRefs } from '../../src/extract/index.js';
import type { MeetingRef } from '../../src/extract/types.js';
import type { Case, ExpectedRef } from './cases/case.js';
import { ALL_CASES } from './cases/index.js';

function comparable(r: MeetingRef | ExpectedRef) {
  if ('cues' in r) {
    return { platform: r.platform, meetingId: r.meetingId, passcode: r.passcode, orgHint: r.orgHint, hostStart: r.cues.hostStart };
  }
  return { platform: r.platform, meetingId: r.meetingId, passcode: r.passcode ?? null, orgHint: r.orgHint ?? null, hostStart: r.hostStart ?? false };
}

const byKey = (a: { platform: string; meetingId: string }, b: { platform: string; meetingId: string }) =>
  `${a.platform} ${a.meetingId}`.localeCompare(`${b.platform} ${b.meetingId}`);

describe('labelled cases', () => {
  it('has at least 400 cases with unique names', () => {
    expect(ALL_CASES.length).toBeGreaterThanOrEqual(400);
    expect(new Set(ALL_CASES.map((c) => c.name)).size).toBe(ALL_CASES.length);
  });

  it.each(ALL_CASES.map((c): [string, Case] => [c.name, c]))('%s', (_name, c) => {
    const refs = extractRefs(c.text);
    expect(refs.map(comparable).sort(byKey)).toEqual(c.expect.map(comparable).sort(byKey));
    for (const e of c.expect) {
      if (e.raid === undefined) continue;
      const ref = refs.find((r) => r.platform === e.platform && r.meetingId === e.meetingId);
      expect(ref?.cues.raidLanguage).toBe(e.raid);
    }
    for (const r of refs) {
      expect(r.span.start).toBeGreaterThanOrEqual(0);
      expect(r.span.end).toBeLessThanOrEqual(c.text.length);
      expect(r.span.end).toBeGreaterThan(r.span.start);
      expect(r.cues.passcodeExposed).toBe(r.passcode !== null);
    }
  });
});
