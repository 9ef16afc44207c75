import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listLeaks } from '../../src/match/leaks.js';
import { importICalendar, importMeetingFile, type ImportOptions } from '../../src/registry/meeting-import.js';
import { listMeetings } from '../../src/registry/meetings.js';
import { nextOccurrence, seriesEnded } from '../../src/registry/recurrence.js';
import { passcodeMatches } from '../../src/registry/passcode.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), 'utf8');

let store: TestStore;
let org: number;
beforeEach(() => {
  store = tempStore();
  org = school(store, 'Westfield High', 'westfield.example');
});
afterEach(() => store.cleanup());

function importFile(name: string, text: string, options: Partial<ImportOptions> = {}) {
  return importMeetingFile(store.db, name, text, { orgId: org, ...options }, (prepared) => store.registration.upsertMeeting(prepared, 'test'), 'test');
}

describe('CSV import', () => {
  it('imports every documented column, by id or by join link', async () => {
    // Its last row is the first row's meeting again, as a zoommtg:// link.
    const result = await importFile('meetings.csv', fixture('meetings.csv'), { skipInvalid: true });
    expect(result).toEqual({
      added: 4, updated: 0, removed: 0, skipped: ['row 7, column url: the same meeting as row 2: "84512397261"'],
      // The fixture's organisers on other schools' domains: imported, but their alerts wait for verification.
      warnings: [
        '2 organisers are on harbour.example, which Westfield High has not verified: their alerts wait until it is',
        '1 organiser is on northbrook.example, which Westfield High has not verified: their alerts wait until it is',
      ],
    });
    const meetings = listMeetings(store.db, org);
    expect(meetings.map((m) => [m.platform, m.meetingId])).toEqual([
      ['zoom', '84512397261'],
      ['teams', '19:meeting_ZjE3YTkyNDgtNDc1Yi00ZDFhLWI2ZTMtOTgwYzE0YWI1ZDc3@thread.v2'],
      ['google-meet', 'rbe-xfjn-pqa'],
      ['webex', '26419873305'],
    ]);
    expect(meetings[0]).toMatchObject({ title: 'Year 9 Maths', startsAt: '2026-09-01T13:00:00.000Z', endsAt: '2026-09-01T14:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=TU,TH', hasPasscode: true, origin: 'csv' });
    const hash = store.db.prepare('SELECT passcode_hash FROM meetings WHERE id = ?').pluck().get(meetings[0]!.id) as string;
    expect(passcodeMatches('662810', hash)).toBe(true);
    expect(meetings[3]).toMatchObject({ title: 'The "Geography" club', ownerEmail: 'p.shah@harbour.example' });
  });

  it('re-importing the same file adds nothing', async () => {
    await importFile('meetings.csv', fixture('meetings.csv'), { skipInvalid: true });
    expect(await importFile('meetings.csv', fixture('meetings.csv'), { skipInvalid: true })).toMatchObject({ added: 0, updated: 4 });
    expect(count(store.db, 'meetings')).toBe(4);
  });

  it('a file with errors imports nothing and lists every problem with its row and column', async () => {
    const csv = [
      'owner_email,platform,meeting_id,url',
      'a@westfield.example,zoom,845 1239 7260,',
      'bob@,zoom,123,',
      'c@westfield.example,myspace,42,',
      'd@westfield.example,,,https://example.com/not-a-meeting',
      'e@westfield.example,zoom,845-1239-7260,',
    ].join('\n');
    let message = '';
    try {
      await importFile('bad.csv', csv);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^nothing imported: 4 problems in the file/);
    expect(message).toContain('row 3, column owner_email: not an email address: "bob@"');
    expect(message).toContain('row 4, column platform: unsupported platform "myspace"; use one of: 8x8, ');
    expect(message).toContain('row 5, column url: not a meeting link leakwatch recognises: "https://example.com/not-a-meeting"');
    expect(message).toContain('row 6, column meeting_id: the same meeting as row 2');
    expect(count(store.db, 'meetings')).toBe(0);
  });

  it('suggests the nearest platform for a mistyped one, and refuses the file', async () => {
    const csv = 'owner_email,platform,meeting_id\na@westfield.example,zooom,84512397260\nb@westfield.example,Google Met,abc-defg-hij\n';
    await expect(importFile('typo.csv', csv)).rejects.toThrow(/row 2, column platform: unsupported platform "zooom" \(did you mean zoom\?\); use one of: /);
    await expect(importFile('typo.csv', csv)).rejects.toThrow(/row 3, column platform: unsupported platform "google met" \(did you mean google-meet\?\)/);
    expect(count(store.db, 'meetings')).toBe(0);
  });

  it('refuses a file with a bad recurrence rule, naming its row and column, and imports nothing', async () => {
    const csv = 'owner_email,platform,meeting_id,recurrence\na@westfield.example,zoom,84512397260,FREQ=WEEKLY\nb@westfield.example,zoom,84512397261,BYDAY=XX;COUNT=abc\n';
    await expect(importFile('rules.csv', csv)).rejects.toThrow(/row 3, column recurrence: not an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO \(BYDAY: "XX" is not a weekday/);
    expect(count(store.db, 'meetings')).toBe(0);
  });

  it('warns of organisers on a domain the organisation has not verified, one line per domain, and imports them', async () => {
    const csv = [
      'owner_email,platform,meeting_id',
      'a@example.org,zoom,84512397260',
      'b@example.org,zoom,84512397261',
      'B@example.org,zoom,84512397262',
      'c@example.org,zoom,84512397263',
      'lee@westfield.example,zoom,84512397264',
      'd@pending.example,zoom,84512397265',
    ].join('\n');
    const result = await importFile('mixed.csv', csv);
    expect(result.added).toBe(6);
    expect(result.warnings).toEqual([
      '3 organisers are on example.org, which Westfield High has not verified: their alerts wait until it is',
      '1 organiser is on pending.example, which Westfield High has not verified: their alerts wait until it is',
    ]);
    expect((await importFile('verified.csv', 'owner_email,platform,meeting_id\nlee@westfield.example,zoom,84512397266')).warnings).toEqual([]);
  });

  it('--skip-invalid imports the valid rows and reports the rest', async () => {
    const csv = 'owner_email,platform,meeting_id\na@westfield.example,zoom,84512397260\nbob@,zoom,84512397261\n';
    const result = await importFile('some-bad.csv', csv, { skipInvalid: true });
    expect(result.added).toBe(1);
    expect(result.skipped).toEqual([expect.stringMatching(/^row 3, column owner_email: /)]);
  });

  it('writes in batches, each its own transaction, and still imports nothing from a file with an error', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => `t${i}@westfield.example,zoom,${84512397260 + i}`);
    await expect(importFile('bad.csv', ['owner_email,platform,meeting_id', ...rows, 'bob@,zoom,123'].join('\n'), { batchSize: 2 })).rejects.toThrow(/^nothing imported: 1 problem in the file/);
    expect(count(store.db, 'meetings')).toBe(0);
    expect(await importFile('good.csv', ['owner_email,platform,meeting_id', ...rows].join('\n'), { batchSize: 2 })).toMatchObject({ added: 5, skipped: [] });
    expect(count(store.db, 'meetings')).toBe(5);
    expect(count(store.db, 'audit_log', "action = 'meeting.imported'")).toBe(1);
  });

    it('refuses files that are neither CSV nor iCalendar', async () => {
    await expect(importFile('meetings.xlsx', 'PK...')).rejects.toThrow('cannot import meetings.xlsx: expected a .csv or .ics file');
  });
});

describe('iCalendar import', () => {
  it('reads join links and ids from Zoom, Google and Teams invitations', async () => {
    // Zoom's own .ics names no organiser: the owner comes from --owner.
    for (const name of ['zoom.ics', 'google-meet.ics', 'outlook-teams.ics']) await importFile(name, fixture(name), { defaultOwner: 'p.shah@westfield.example' });
    const meetings = listMeetings(store.db, org);
    expect(meetings.map((m) => m.platform).sort()).toEqual(expect.arrayContaining(['google-meet', 'teams', 'zoom']));
    const zoom = meetings.find((m) => m.platform === 'zoom')!;
    expect(zoom).toMatchObject({ meetingId: '84512397261', title: 'Year 10 Geography catch-up', hasPasscode: true, origin: 'ics' });
    expect(meetings.every((m) => m.originUid)).toBe(true);
  });

  it('keeps the recurrence of a weekly class and skips its overridden instances', async () => {
    await importFile('weekly-class.ics', fixture('weekly-class.ics'));
    const meetings = listMeetings(store.db, org);
    expect(meetings.find((m) => m.meetingId === 'rbe-xfjn-pqa')).toMatchObject({
      recurrence: 'FREQ=WEEKLY;WKST=MO;UNTIL=20261218T235959Z;BYDAY=MO,WE',
      startsAt: '2026-09-07T08:30:00.000Z',
      timeZone: 'Europe/London',
      ownerEmail: 'c.dubois@harbour.example',
    });
  });

  it('keeps a weekly 09:30 London class at 09:30 local after the clocks change, as ical.js expands it, and ends the series at UNTIL', async () => {
    await importFile('weekly-class.ics', fixture('weekly-class.ics'));
    const meeting = listMeetings(store.db, org).find((m) => m.meetingId === 'rbe-xfjn-pqa')!;
    const next = (now: string) => new Date(nextOccurrence(meeting, new Date(now))!.startMs).toISOString();
    expect(next('2026-09-13T19:00:00Z')).toBe('2026-09-14T08:30:00.000Z');
    expect(next('2026-11-01T19:00:00Z')).toBe('2026-11-02T09:30:00.000Z');

    // The EXDATE and the instance cancelled on its own (RECURRENCE-ID, STATUS:CANCELLED) do not take place.
    expect(meeting.excludedStarts).toEqual(['2026-10-26T09:30:00.000Z', '2026-12-09T09:30:00.000Z']);
    expect(next('2026-10-22T19:00:00Z')).toBe('2026-10-28T09:30:00.000Z');
    expect(next('2026-12-08T19:00:00Z')).toBe('2026-12-14T09:30:00.000Z');

    // ical.js's own expansion of the event, in the file's VTIMEZONE, agrees, the excluded sessions aside.
    const excluded = new Set(meeting.excludedStarts);
    const calendar = new ICAL.Component(ICAL.parse(fixture('weekly-class.ics')));
    const timezone = new ICAL.Timezone(calendar.getFirstSubcomponent('vtimezone')!);
    const event = new ICAL.Event(calendar.getAllSubcomponents('vevent').find((v) => v.hasProperty('rrule'))!);
    event.startDate.zone = timezone;
    const iterator = event.iterator();
    let expanded = 0;
    for (let time = iterator.next(); time; time = iterator.next()) {
      time.zone = timezone;
      const startMs = time.toUnixTime() * 1000;
      if (excluded.has(new Date(startMs).toISOString())) continue;
      const ours = nextOccurrence(meeting, new Date(startMs - 60_000))!;
      expect(new Date(ours.startMs).toISOString()).toBe(new Date(startMs).toISOString());
      expanded++;
    }
    // 30 dates of the rule: ical.js leaves out the EXDATE, the cancelled instance is a VEVENT of its own.
    expect(expanded).toBe(28);
    expect(seriesEnded(meeting, new Date('2026-12-17T12:00:00Z'))).toBe(true);
    expect(seriesEnded(meeting, new Date('2026-12-16T09:00:00Z'))).toBe(false);
  });

  it('removes the meeting of a cancelled event', async () => {
    await importFile('outlook-teams.ics', fixture('outlook-teams.ics'));
    const before = count(store.db, 'meetings');
    const result = await importFile('outlook-cancel.ics', fixture('outlook-cancel.ics'));
    expect(result.removed).toBeGreaterThan(0);
    expect(count(store.db, 'meetings')).toBe(before - result.removed);
  });

  it('a feed refresh removes events that left the feed', () => {
    const options = { orgId: org, origin: 'feed' as const };
    const store_ = (p: Parameters<typeof store.registration.upsertMeeting>[0]) => store.registration.upsertMeeting(p, 'test');
    importICalendar(store.db, fixture('zoom.ics'), { ...options, defaultOwner: 'p.shah@westfield.example' }, store_, 'feed');
    expect(count(store.db, 'meetings', "origin = 'feed'")).toBe(1);
    const empty = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nEND:VCALENDAR\r\n';
    expect(importICalendar(store.db, empty, options, store_, 'feed').removed).toBe(1);
    expect(count(store.db, 'meetings')).toBe(0);
  });

  it('reports events without a link or an organiser as skipped', async () => {
    const ics = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//x//EN',
      'BEGIN:VEVENT', 'UID:a', 'SUMMARY:Staff lunch', 'DTSTART:20260901T120000Z', 'LOCATION:Canteen', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:b', 'SUMMARY:Club', 'DTSTART:20260901T120000Z', 'LOCATION:https://meet.google.com/abc-defg-hij', 'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    expect((await importFile('cal.ics', ics)).skipped).toEqual(['event a ("Staff lunch"): no meeting link or id in it', 'event b ("Club"): no ORGANIZER; pass --owner EMAIL']);
    expect((await importFile('cal.ics', ics, { defaultOwner: 'club@westfield.example' })).added).toBe(1);
  });

  it('a broken file imports nothing and names the line', async () => {
    const broken = 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:not-a-date\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    await expect(importFile('broken.ics', broken)).rejects.toThrow(/^nothing imported: not a valid iCalendar file: .*line 4/);
    expect(count(store.db, 'meetings')).toBe(0);
  });

  it('imported meetings are retro-hunted against stored posts', async () => {
    store.matcher.ingestPage([{ source: 'reddit', sourceId: '1', text: 'free geography zoom lol https://zoom.us/j/84512397261' }], { now: new Date('2026-08-25T00:00:00Z') });
    await importFile('zoom.ics', fixture('zoom.ics'), { defaultOwner: 'p.shah@westfield.example' });
    expect(listLeaks(store.db, { orgId: org })).toEqual([expect.objectContaining({ meetingId: '84512397261', matchKind: 'meeting' })]);
  });
});
