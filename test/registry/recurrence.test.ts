import ICAL from 'ical.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  checkRecurrence, isRecurring, lastSessionEnd, meetingEnded, nextOccurrence, recurrenceProblem, seriesEnded, type Schedule,
} from '../../src/registry/recurrence.js';
import { fastest } from '../support/timing.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const next = (schedule: Schedule, now: string) => {
  const occurrence = nextOccurrence(schedule, new Date(now));
  return occurrence === null ? null : { start: iso(occurrence.startMs), end: occurrence.endMs === null ? null : iso(occurrence.endMs) };
};

/** Monday 7 September 2026, 09:00–10:00 in London (BST, so 08:00 UTC), every Monday. */
const londonClass: Schedule = {
  startsAt: '2026-09-07T08:00:00.000Z', endsAt: '2026-09-07T09:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO', timeZone: 'Europe/London',
};

describe('recurrenceProblem', () => {
  it.each([
    'FREQ=WEEKLY',
    'FREQ=WEEKLY;BYDAY=MO,WE,FR',
    'freq=weekly;byday=mo',
    'RRULE:FREQ=DAILY;COUNT=10',
    'FREQ=WEEKLY;WKST=MO;UNTIL=20261218T235959Z;BYDAY=MO,WE',
    'FREQ=WEEKLY;UNTIL=20261218',
    'FREQ=MONTHLY;BYDAY=-1FR',
    'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    'FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
    'FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO',
    'FREQ=MONTHLY;BYMONTHDAY=-1,15',
    'FREQ=DAILY;BYHOUR=9,14;BYMINUTE=0,30;INTERVAL=2',
  ])('accepts %s', (rule) => {
    expect(recurrenceProblem(rule)).toBeNull();
  });

  it.each([
    ['BYDAY=XX;COUNT=abc', /BYDAY: "XX" is not a weekday/],
    ['FREQ=SOMETIMES', /FREQ: "SOMETIMES" is not one of SECONDLY, MINUTELY/],
    ['BYDAY=MO', /FREQ is missing/],
    ['FREQ=WEEKLY;COUNT=abc', /COUNT: "ABC" is not a whole number/],
    ['FREQ=WEEKLY;COUNT=0', /COUNT: "0" is not a whole number from 1/],
    ['FREQ=WEEKLY;COUNT=5;UNTIL=20261218T000000Z', /COUNT and UNTIL together/],
    ['FREQ=WEEKLY;FREQ=DAILY', /FREQ appears twice/],
    ['FREQ=WEEKLY;BYDAY=MO;', /"" is not NAME=VALUE/],
    ['FREQ=WEEKLY;DAYS=MO', /"DAYS" is not a part of a rule/],
    ['FREQ=WEEKLY;BYDAY=1MO', /BYDAY with a week number .* only for FREQ=MONTHLY/],
    ['FREQ=MONTHLY;BYDAY=0MO', /"0MO" is not a weekday/],
    ['FREQ=MONTHLY;BYDAY=-MO', /"-MO" is not a weekday/],
    ['FREQ=MONTHLY;BYDAY=54MO', /"54MO"/],
    ['FREQ=YEARLY;BYMONTH=13', /BYMONTH: "13" is not a number from 1 to 12/],
    ['FREQ=MONTHLY;BYMONTHDAY=0', /BYMONTHDAY: "0"/],
    ['FREQ=MONTHLY;BYMONTHDAY=32', /BYMONTHDAY: "32"/],
    ['FREQ=DAILY;BYHOUR=24', /BYHOUR: "24"/],
    ['FREQ=WEEKLY;BYMONTHDAY=1', /BYMONTHDAY cannot be used with FREQ=WEEKLY/],
    ['FREQ=MONTHLY;BYWEEKNO=1', /BYWEEKNO is only for FREQ=YEARLY/],
    ['FREQ=WEEKLY;UNTIL=20260231', /no such date/],
    ['FREQ=WEEKLY;UNTIL=tomorrow', /not a date/],
    ['FREQ=WEEKLY;INTERVAL=-1', /INTERVAL/],
    ['FREQ=WEEKLY;WKST=XX', /WKST: "XX" is not a weekday/],
    ['FREQ=DAILY;BYSETPOS=1', /BYSETPOS needs another BY part/],
    ['', /empty/],
  ])('refuses %s', (rule, message) => {
    expect(recurrenceProblem(rule)).toMatch(message);
  });

  it('checkRecurrence strips RRULE: and throws an InputError naming the rule', () => {
    expect(checkRecurrence(' RRULE:FREQ=WEEKLY ')).toBe('FREQ=WEEKLY');
    expect(checkRecurrence('  ')).toBeNull();
    expect(() => checkRecurrence('FREQ=SOMETIMES')).toThrow(InputError);
    expect(() => checkRecurrence('FREQ=SOMETIMES')).toThrow(/the recurrence "FREQ=SOMETIMES" is not an RFC 5545 RRULE/);
  });

  const weekday = fc.constantFrom('SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA');
  const validRule = fc.record({
    freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
    interval: fc.option(fc.integer({ min: 1, max: 52 }), { nil: undefined }),
    end: fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: 1, max: 500 }).map((n) => `COUNT=${n}`),
      fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
        .map((d) => `UNTIL=${d.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`),
    ),
    byDay: fc.option(fc.uniqueArray(weekday, { minLength: 1, maxLength: 7 }), { nil: undefined }),
    byMonth: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  }).map((r) => [
    `FREQ=${r.freq}`,
    r.interval === undefined ? null : `INTERVAL=${r.interval}`,
    r.end ?? null,
    r.byDay === undefined ? null : `BYDAY=${r.byDay.join(',')}`,
    r.byMonth === undefined ? null : `BYMONTH=${r.byMonth.join(',')}`,
  ].filter((p): p is string => p !== null));

  it('accepts every rule built from the grammar, in any order of its parts, and ical.js reads it back (property)', () => {
    fc.assert(fc.property(validRule.chain((parts) => fc.shuffledSubarray(parts, { minLength: parts.length })), (parts) => {
      const rule = parts.join(';');
      expect(recurrenceProblem(rule)).toBeNull();
      expect(ICAL.Recur.fromString(rule).freq).toBe(parts.find((p) => p.startsWith('FREQ='))?.slice(5));
    }));
  });

  it('refuses a valid rule with one part broken, and never throws on any text (property)', () => {
    const broken = fc.constantFrom('BYDAY=XX', 'COUNT=abc', 'INTERVAL=0', 'BYMONTH=0', 'BYHOUR=99', 'WKST=MONDAY', 'X-NAME=1', 'FREQ=WEEKLY', '=1', 'BYDAY');
    fc.assert(fc.property(validRule, broken, fc.nat(), (parts, bad, at) => {
      const withBad = [...parts];
      withBad.splice(at % (parts.length + 1), 0, bad);
      expect(recurrenceProblem(withBad.join(';'))).not.toBeNull();
    }));
    fc.assert(fc.property(fc.string(), (text) => {
      const problem = recurrenceProblem(text);
      expect(problem === null || typeof problem === 'string').toBe(true);
    }));
  });
});

describe('nextOccurrence', () => {
  it('a weekly Monday 09:00 class seen on Sunday evening meets next morning', () => {
    expect(next(londonClass, '2026-09-13T19:00:00Z')).toEqual({ start: '2026-09-14T08:00:00.000Z', end: '2026-09-14T09:00:00.000Z' });
  });

  it('is the session in progress until it ends', () => {
    expect(next(londonClass, '2026-09-14T08:30:00Z')?.start).toBe('2026-09-14T08:00:00.000Z');
    expect(next(londonClass, '2026-09-14T09:00:01Z')?.start).toBe('2026-09-21T08:00:00.000Z');
  });

  it('keeps a London class at 09:00 local across the October and March changes', () => {
    // Clocks go back on 25 October 2026 and forward on 28 March 2027.
    expect(next(londonClass, '2026-10-20T12:00:00Z')?.start).toBe('2026-10-26T09:00:00.000Z');
    expect(next(londonClass, '2027-03-23T12:00:00Z')?.start).toBe('2027-03-29T08:00:00.000Z');
    expect(next(londonClass, '2027-03-16T12:00:00Z')?.start).toBe('2027-03-22T09:00:00.000Z');
    // Without a zone the rule is read in UTC and keeps 08:00 UTC.
    expect(next({ ...londonClass, timeZone: null }, '2026-10-20T12:00:00Z')?.start).toBe('2026-10-26T08:00:00.000Z');
  });

  it('reads a rule in lower case, with INTERVAL and BYDAY lists', () => {
    const fortnightly = { ...londonClass, recurrence: 'freq=weekly;interval=2;byday=mo,th' };
    expect(next(fortnightly, '2026-09-08T12:00:00Z')?.start).toBe('2026-09-10T08:00:00.000Z');
    expect(next(fortnightly, '2026-09-11T12:00:00Z')?.start).toBe('2026-09-21T08:00:00.000Z');
  });

  it('is null after UNTIL and after the last of COUNT sessions, and for a one-off meeting that ended', () => {
    expect(next({ ...londonClass, recurrence: 'FREQ=WEEKLY;UNTIL=20260921T235959Z' }, '2026-09-21T07:00:00Z')?.start).toBe('2026-09-21T08:00:00.000Z');
    expect(next({ ...londonClass, recurrence: 'FREQ=WEEKLY;UNTIL=20260921T235959Z' }, '2026-09-22T07:00:00Z')).toBeNull();
    expect(next({ ...londonClass, recurrence: 'FREQ=WEEKLY;COUNT=2' }, '2026-09-14T07:00:00Z')?.start).toBe('2026-09-14T08:00:00.000Z');
    expect(next({ ...londonClass, recurrence: 'FREQ=WEEKLY;COUNT=2' }, '2026-09-15T07:00:00Z')).toBeNull();
    expect(next({ ...londonClass, recurrence: null }, '2026-09-08T00:00:00Z')).toBeNull();
    expect(next({ ...londonClass, recurrence: null }, '2026-09-01T00:00:00Z')?.start).toBe('2026-09-07T08:00:00.000Z');
  });

  it('reads a date-only UNTIL as the whole of that day in the meeting zone', () => {
    const untilMonday = { ...londonClass, recurrence: 'FREQ=WEEKLY;UNTIL=20260914' };
    expect(next(untilMonday, '2026-09-10T00:00:00Z')?.start).toBe('2026-09-14T08:00:00.000Z');
    expect(next(untilMonday, '2026-09-15T00:00:00Z')).toBeNull();
  });

  it('answers for a clock that goes back as well as forward (cached series)', () => {
    expect(next(londonClass, '2030-01-01T00:00:00Z')?.start).toBe('2030-01-07T09:00:00.000Z');
    expect(next(londonClass, '2026-09-08T00:00:00Z')?.start).toBe('2026-09-14T08:00:00.000Z');
    expect(next(londonClass, '2030-01-08T00:00:00Z')?.start).toBe('2030-01-14T09:00:00.000Z');
  });

  it('is null without a start time and for a stored rule that cannot be read', () => {
    expect(next({ ...londonClass, startsAt: null }, '2026-09-08T00:00:00Z')).toBeNull();
    expect(next({ ...londonClass, recurrence: 'FREQ=SOMETIMES' }, '2026-09-08T00:00:00Z')).toBeNull();
  });

  it('answers a sighting in microseconds once the series is expanded', () => {
    const daily = { startsAt: '2016-01-04T08:00:00.000Z', endsAt: null, recurrence: 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', timeZone: 'Europe/London' };
    const base = Date.parse('2026-09-01T00:00:00Z');
    nextOccurrence(daily, new Date(base));
    const { ms } = fastest(() => {
      for (let i = 0; i < 20_000; i++) nextOccurrence(daily, new Date(base + i * 60_000));
    }, 100);
    expect(ms).toBeLessThan(100);
  });
});

describe('seriesEnded and meetingEnded', () => {
  const now = new Date('2026-12-01T12:00:00Z');

  it('an UNTIL in the past or a used-up COUNT ends the series; an endless rule never does', () => {
    const until2020 = { ...londonClass, startsAt: '2019-09-02T08:00:00.000Z', endsAt: '2019-09-02T09:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20200717T235959Z' };
    expect(seriesEnded(until2020, now)).toBe(true);
    expect(lastSessionEnd(until2020, now)).toBe('2020-07-13T09:00:00.000Z');
    expect(isRecurring(until2020, now)).toBe(false);
    expect(meetingEnded(until2020, now)).toBe(true);

    const tenWeeks = { ...londonClass, recurrence: 'FREQ=WEEKLY;COUNT=10' };
    expect(lastSessionEnd(tenWeeks, now)).toBe('2026-11-09T10:00:00.000Z');
    expect(seriesEnded(tenWeeks, new Date('2026-11-09T09:59:00Z'))).toBe(false);
    expect(isRecurring(tenWeeks, new Date('2026-11-09T09:59:00Z'))).toBe(true);

    expect(seriesEnded(londonClass, new Date('2099-01-01T00:00:00Z'))).toBe(false);
    expect(isRecurring(londonClass, now)).toBe(true);
  });

  it('without a start time only UNTIL can end a series; an unreadable stored rule keeps recurring', () => {
    expect(seriesEnded({ startsAt: null, endsAt: null, recurrence: 'FREQ=WEEKLY;UNTIL=20200101' }, now)).toBe(true);
    expect(seriesEnded({ startsAt: null, endsAt: null, recurrence: 'FREQ=WEEKLY;COUNT=3' }, now)).toBe(false);
    expect(isRecurring({ ...londonClass, recurrence: 'FREQ=SOMETIMES' }, now)).toBe(true);
  });

  it('a one-off meeting ends at its end time', () => {
    expect(meetingEnded({ ...londonClass, recurrence: null }, now)).toBe(true);
    expect(meetingEnded({ ...londonClass, recurrence: null, endsAt: null }, now)).toBe(false);
    expect(seriesEnded({ ...londonClass, recurrence: null }, now)).toBe(false);
  });
});
