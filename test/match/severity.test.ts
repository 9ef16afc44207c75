import { describe, expect, it } from 'vitest';
import { assessSeverity, type SeverityInput } from '../../src/match/severity.js';

const NOW = new Date('2026-09-01T12:00:00Z');
const base: SeverityInput = {
  matchKind: 'meeting',
  matchedBy: '"Year 9 Maths"',
  passcodeState: null,
  hostStart: false,
  raidLanguage: false,
  meeting: null,
  posts: 1,
  sources: 1,
  now: NOW,
  startingSoonHours: 24,
  repeatedPosts: 3,
};
const assess = (overrides: Partial<SeverityInput>) => assessSeverity({ ...base, ...overrides });

describe('assessSeverity', () => {
  it('a bare match of a registered meeting is medium, and says what matched', () => {
    const result = assess({});
    expect(result.severity).toBe('medium');
    expect(result.reasons).toEqual(['matches the registered meeting "Year 9 Maths"']);
  });

  it('an identifier match is medium and names the identifier', () => {
    expect(assess({ matchKind: 'identifier', matchedBy: 'zoom-subdomain westfield' })).toMatchObject({
      severity: 'medium',
      reasons: ['the link names zoom-subdomain westfield, a verified identifier of the organisation'],
    });
  });

  it('a name match is low and marked for review', () => {
    const result = assess({ matchKind: 'name', matchedBy: 'Westfield High School' });
    expect(result.severity).toBe('low');
    expect(result.reasons[0]).toMatch(/low confidence, for an admin to review/);
  });

  it.each([
    ['matches', 'high', 'the passcode is exposed and matches the registered one'],
    ['unknown', 'high', 'a passcode is exposed (none registered to compare it with)'],
    ['differs', 'medium', 'the posted passcode differs from the registered one (already changed?)'],
  ] as const)('passcode %s → %s', (passcodeState, severity, reason) => {
    const result = assess({ passcodeState });
    expect(result.severity).toBe(severity);
    expect(result.reasons).toContain(reason);
  });

  it('a host-start link is critical on its own, with that reason first', () => {
    const result = assess({ matchKind: 'name', hostStart: true });
    expect(result.severity).toBe('critical');
    expect(result.reasons[0]).toMatch(/^a host-start link/);
  });

  it('raid language raises it', () => {
    expect(assess({ raidLanguage: true })).toMatchObject({ severity: 'high', reasons: expect.arrayContaining([expect.stringMatching(/raid language/)]) });
  });

  it('a meeting starting within the window raises it; one starting later does not', () => {
    const soon = assess({ meeting: { startsAt: '2026-09-01T15:00:00.000Z', endsAt: '2026-09-01T16:00:00.000Z', recurrence: null, public: false } });
    expect(soon.severity).toBe('high');
    expect(soon.reasons).toContain('starts soon (2026-09-01T15:00:00.000Z)');
    const later = assess({ meeting: { startsAt: '2026-09-05T15:00:00.000Z', endsAt: null, recurrence: null, public: false } });
    expect(later.severity).toBe('medium');
  });

  it('a meeting in progress raises it', () => {
    const result = assess({ meeting: { startsAt: '2026-09-01T11:30:00.000Z', endsAt: '2026-09-01T12:30:00.000Z', recurrence: null, public: false } });
    expect(result.reasons).toContain('in progress (started 2026-09-01T11:30:00.000Z)');
  });

  it('a recurring meeting raises it and never counts as ended', () => {
    const result = assess({ meeting: { startsAt: '2026-01-05T09:00:00.000Z', endsAt: '2026-01-05T10:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO', public: false } });
    expect(result).toMatchObject({ severity: 'high', ended: false });
    expect(result.reasons).toContain('a recurring meeting: the same link works for every session');
  });

  it('a series past its UNTIL or COUNT is not recurring: it counts as ended, like a one-off meeting that is over', () => {
    const until2020 = assess({ meeting: { startsAt: '2019-09-02T08:00:00.000Z', endsAt: '2019-09-02T09:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20200717T235959Z', public: false } });
    expect(until2020).toMatchObject({ severity: 'low', ended: true });
    expect(until2020.reasons).not.toContain('a recurring meeting: the same link works for every session');
    expect(until2020.reasons).toContain('the series ended (its last session ended 2020-07-13T09:00:00.000Z)');

    const sixWeeks = { startsAt: '2026-06-01T08:00:00.000Z', endsAt: '2026-06-01T09:00:00.000Z', recurrence: 'FREQ=WEEKLY;COUNT=6', public: false };
    expect(assess({ meeting: sixWeeks })).toMatchObject({ severity: 'low', ended: true });
    expect(assess({ meeting: sixWeeks, now: new Date('2026-07-01T12:00:00Z') })).toMatchObject({ severity: 'high', ended: false });
  });

  it('a recurring class starts soon when its next session does: a Monday 09:00 class seen on Sunday evening', () => {
    const monday = { startsAt: '2026-09-07T08:00:00.000Z', endsAt: '2026-09-07T09:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO', timeZone: 'Europe/London', public: false };
    const sunday = assess({ meeting: monday, now: new Date('2026-09-13T19:00:00Z') });
    expect(sunday.severity).toBe('critical');
    expect(sunday.reasons).toEqual(expect.arrayContaining(['a recurring meeting: the same link works for every session', 'starts soon (2026-09-14T08:00:00.000Z)']));
    // Mid-week the next session is days away.
    expect(assess({ meeting: monday, now: new Date('2026-09-09T19:00:00Z') }).severity).toBe('high');
    // After the clocks go back, 09:00 in London is 09:00 UTC.
    expect(assess({ meeting: monday, now: new Date('2026-11-01T19:00:00Z') }).reasons).toContain('starts soon (2026-11-02T09:00:00.000Z)');
    expect(assess({ meeting: monday, now: new Date('2026-09-14T08:30:00Z') }).reasons).toContain('in progress (started 2026-09-14T08:00:00.000Z)');
  });

  it('an ended one-off meeting is lower and flagged ended', () => {
    const result = assess({ meeting: { startsAt: '2026-08-01T09:00:00.000Z', endsAt: '2026-08-01T10:00:00.000Z', recurrence: null, public: false } });
    expect(result).toMatchObject({ severity: 'low', ended: true });
    expect(result.reasons).toContain('the meeting ended (2026-08-01T10:00:00.000Z) and does not recur');
  });

  it('repeated posting raises it: by count, or across sites', () => {
    expect(assess({ posts: 3 }).reasons).toContain('posted 3 times');
    expect(assess({ posts: 3 }).severity).toBe('high');
    expect(assess({ posts: 2, sources: 2 }).reasons).toContain('posted on 2 different sites');
    expect(assess({ posts: 2, sources: 1 }).severity).toBe('medium');
  });

  it('allow-listed meetings are flagged for no alert', () => {
    const result = assess({ meeting: { startsAt: null, endsAt: null, recurrence: null, public: true } });
    expect(result.allowListed).toBe(true);
    expect(result.reasons).toContain('allow-listed as public on purpose: no alert');
  });

  it('everything at once caps at critical', () => {
    const result = assess({ passcodeState: 'matches', raidLanguage: true, posts: 5, meeting: { startsAt: '2026-09-01T13:00:00.000Z', endsAt: null, recurrence: null, public: false } });
    expect(result.severity).toBe('critical');
    expect(result.reasons).toHaveLength(5);
  });
});
