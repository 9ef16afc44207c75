import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { excludedStartsOfLines, parseICalendar } from '../../src/registry/icalendar.js';
import { importICalendar } from '../../src/registry/meeting-import.js';
import { getMeeting, listMeetings } from '../../src/registry/meetings.js';
import { isRecurring, nextOccurrence } from '../../src/registry/recurrence.js';
import { school, tempStore, type TestStore } from '../support/store.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('sessions that do not take place', () => {
  // Mondays 09:00 in London, 1 to 29 December 2025 (five sessions).
  const weekly = { startsAt: '2025-12-01T09:00:00Z', endsAt: '2025-12-01T09:45:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=5', timeZone: 'Europe/London' };

  it('skips an excluded session when telling the next one', () => {
    const during = new Date('2025-12-09T12:00:00Z');
    expect(iso(nextOccurrence(weekly, during)?.startMs)).toBe('2025-12-15T09:00:00.000Z');
    expect(iso(nextOccurrence({ ...weekly, excludedStarts: ['2025-12-15T09:00:00.000Z'] }, during)?.startMs)).toBe('2025-12-22T09:00:00.000Z');
    // Any offset names the same instant.
    expect(iso(nextOccurrence({ ...weekly, excludedStarts: ['2025-12-15T10:00:00+01:00'] }, during)?.startMs)).toBe('2025-12-22T09:00:00.000Z');
  });

  it('ends a series early when its last sessions are excluded, and they still count towards COUNT', () => {
    const afterFourth = new Date('2025-12-22T12:00:00Z');
    expect(isRecurring(weekly, afterFourth)).toBe(true);
    const lastCancelled = { ...weekly, excludedStarts: ['2025-12-29T09:00:00Z'] };
    expect(isRecurring(lastCancelled, afterFourth)).toBe(false);
    expect(nextOccurrence(lastCancelled, afterFourth)).toBeNull();
    // COUNT=5 is five of the rule's dates, the excluded one among them: no sixth Monday takes its place.
    expect(nextOccurrence({ ...weekly, excludedStarts: ['2025-12-08T09:00:00Z'] }, new Date('2025-12-23T00:00:00Z'))?.startMs).toBe(Date.parse('2025-12-29T09:00:00Z'));
    expect(nextOccurrence({ ...weekly, excludedStarts: ['2025-12-08T09:00:00Z'] }, new Date('2025-12-30T00:00:00Z'))).toBeNull();
  });
});

describe('EXDATE in iCalendar', () => {
  const series = (extra: string[]) =>
    [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:maths-9@westfield.example', 'SUMMARY:Year 9 Maths',
      'DTSTART;TZID=America/New_York:20261207T090000', 'DTEND;TZID=America/New_York:20261207T094500', 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270615T235959Z',
      'ORGANIZER:mailto:ann@westfield.example', 'LOCATION:https://westfield.zoom.us/j/84512397260', ...extra, 'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');

  it('reads every EXDATE value in its own zone, several to a line and several lines', () => {
    const [event] = parseICalendar(series(['EXDATE;TZID=America/New_York:20261223T090000,20261228T090000', 'EXDATE:20261230T140000Z']));
    expect(event!.excludedStarts).toEqual(['2026-12-23T14:00:00.000Z', '2026-12-28T14:00:00.000Z', '2026-12-30T14:00:00.000Z']);
  });

  it("takes a DATE EXDATE on a timed series for that day's session, at the series' wall time across a DST change", () => {
    const [event] = parseICalendar(series(['EXDATE;VALUE=DATE:20270315']));
    // 15 March 2027 is after the US change to daylight time: 09:00 is 13:00 UTC.
    expect(event!.excludedStarts).toEqual(['2027-03-15T13:00:00.000Z']);
  });

  it('reads the EXDATE lines a platform hands over as the same parser does', () => {
    expect(excludedStartsOfLines(['RRULE:FREQ=WEEKLY;BYDAY=MO', 'EXDATE;TZID=America/New_York:20261221T090000', 'EXDATE;VALUE=DATE:20261228'], '2026-12-07T09:00:00-05:00', 'America/New_York')).toEqual([
      '2026-12-21T14:00:00.000Z',
      '2026-12-28T14:00:00.000Z',
    ]);
    expect(excludedStartsOfLines(['RRULE:FREQ=DAILY'], '2026-12-07T09:00:00Z', null)).toEqual([]);
    expect(excludedStartsOfLines(['EXDATE:not-a-date'], '2026-12-07T09:00:00Z', null)).toEqual([]);
    // A line that would smuggle another property in is no EXDATE.
    expect(excludedStartsOfLines(['EXDATE:20261214T090000Z\r\nRRULE:FREQ=DAILY'], '2026-12-07T09:00:00Z', null)).toEqual([]);
  });

  describe('imported', () => {
    let store: TestStore;
    let org: number;
    beforeEach(() => {
      store = tempStore();
      org = school(store, 'Westfield High', 'westfield.example');
    });
    afterEach(() => store.cleanup());

    it('stores the EXDATEs and the cancelled instances of a series, and its next session skips them', () => {
      const cancelled = [
        'END:VEVENT', 'BEGIN:VEVENT', 'UID:maths-9@westfield.example', 'RECURRENCE-ID;TZID=America/New_York:20261209T090000',
        'DTSTART;TZID=America/New_York:20261209T090000', 'DTEND;TZID=America/New_York:20261209T094500', 'STATUS:CANCELLED', 'SUMMARY:Year 9 Maths',
      ];
      const text = series(['EXDATE;TZID=America/New_York:20261207T090000', ...cancelled]);
      const result = importICalendar(store.db, text, { orgId: org }, (prepared) => store.registration.upsertMeeting(prepared, 'test'), 'test');
      expect(result).toMatchObject({ added: 1, updated: 0, removed: 0, skipped: [] });
      const [meeting] = listMeetings(store.db, org);
      expect(meeting!.excludedStarts).toEqual(['2026-12-07T14:00:00.000Z', '2026-12-09T14:00:00.000Z']);
      expect(getMeeting(store.db, org, meeting!.id).excludedStarts).toEqual(meeting!.excludedStarts);
      // Monday 7 and Wednesday 9 do not take place: the next session is Monday 14.
      expect(iso(nextOccurrence(meeting!, new Date('2026-12-06T00:00:00Z'))?.startMs)).toBe('2026-12-14T14:00:00.000Z');

      // Imported again without the EXDATE: the series' exclusions are what the file says now.
      importICalendar(store.db, series([]), { orgId: org }, (prepared) => store.registration.upsertMeeting(prepared, 'test'), 'test');
      expect(listMeetings(store.db, org)[0]!.excludedStarts).toEqual([]);
    });
  });
});
