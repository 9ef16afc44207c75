import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarParseError, parseICalendar, type CalendarEvent } from '../../src/registry/icalendar.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** A calendar around `lines`, CRLF as RFC 5545 writes it. */
function calendar(...lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//leakwatch//test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

/** One VEVENT with a UID, and the single event it parses to. */
function event(...lines: string[]): CalendarEvent {
  const events = parseICalendar(calendar('BEGIN:VEVENT', 'UID:test-1@leakwatch.example', ...lines, 'END:VEVENT'));
  expect(events).toHaveLength(1);
  return events[0] as CalendarEvent;
}

function parseError(text: string): CalendarParseError {
  try {
    parseICalendar(text);
  } catch (error) {
    if (error instanceof CalendarParseError) return error;
    throw error;
  }
  throw new Error('expected a CalendarParseError, but the text parsed');
}

function physicalLines(text: string): number {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).length;
}

const TEAMS_LINK = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_ZjE3YTkyNDgtNDc1Yi00ZDFhLWI2ZTMtOTgwYzE0YWI1ZDc3%40thread.v2/0'
  + '?context=%7b%22Tid%22%3a%228c1e4f2a-5b3d-4e6f-9a0b-1c2d3e4f5a6b%22%2c%22Oid%22%3a%2247a1b2c3-d4e5-4f60-8172-93a4b5c6d7e8%22%7d';

describe('Google Calendar export', () => {
  const [lesson, trainingDay] = parseICalendar(fixture('google-meet.ics'));

  it('reads the Meet link from X-GOOGLE-CONFERENCE and the description, in UTC from America/New_York', () => {
    expect(lesson).toMatchObject({
      uid: '3kq9v7d2m1n5p8r0s4t6u2w9xy@google.com',
      summary: 'Year 9 Maths – Algebra',
      start: '2026-09-01T13:00:00.000Z',
      end: '2026-09-01T14:00:00.000Z',
      recurrence: null,
      cancelled: false,
      organizer: 'a.rivera@westfield.example',
      recurrenceId: null,
    });
    const lines = lesson?.joinText.split('\n') ?? [];
    expect(lines[0]).toBe('https://meet.google.com/kdv-qwzt-hpe');
    expect(lines).toContain('Bring your homework sheet, a calculator and a ruler.');
    expect(lines).toContain('Join with Google Meet: https://meet.google.com/kdv-qwzt-hpe');
    expect(lines).toContain('(US) +1 505-555-0142 PIN: 284917305#');
  });

  it('leaves out the reminder text of the VALARM and the attendees', () => {
    expect(lesson?.joinText).not.toContain('This is an event reminder');
    expect(lesson?.joinText).not.toContain('year9-maths@westfield.example');
  });

  it('reads an all-day event as midnight UTC of its dates', () => {
    expect(trainingDay).toMatchObject({
      start: '2026-10-16T00:00:00.000Z',
      end: '2026-10-17T00:00:00.000Z',
      organizer: null,
      joinText: 'Main hall',
    });
  });
});

describe('Outlook / Teams export', () => {
  const text = fixture('outlook-teams.ics');
  const [revision, briefing] = parseICalendar(text);

  it('maps Windows time zone names to IANA, with DST', () => {
    expect(revision).toMatchObject({ start: '2026-01-22T16:00:00.000Z', end: '2026-01-22T17:00:00.000Z' }); // GMT Standard Time, winter
    expect(briefing).toMatchObject({ start: '2026-07-14T14:00:00.000Z', end: '2026-07-14T15:30:00.000Z' }); // Eastern Standard Time, July: EDT
  });

  it('unfolds the long Teams link it folded across lines', () => {
    expect(text).not.toContain(TEAMS_LINK);
    expect(revision?.joinText.split('\n')).toContain(TEAMS_LINK);
    expect(revision?.joinText).toContain(`Click here to join the meeting<${TEAMS_LINK}>`);
    expect(revision?.joinText).toContain('Meeting ID: 372 915 408 226\nPasscode: Xq7Lm2');
  });

  it('reads the organiser whose CN is quoted and holds a comma, and the LOCATION', () => {
    expect(revision?.organizer).toBe('d.okafor@northbrook.example');
    expect(revision?.summary).toBe('Year 11 Chemistry revision');
    expect(revision?.joinText.split('\n')).toContain('Microsoft Teams Meeting');
  });

  it('reads a cancellation notice (METHOD:CANCEL, STATUS:CANCELLED) as cancelled', () => {
    const [cancelled] = parseICalendar(fixture('outlook-cancel.ics'));
    expect(cancelled).toMatchObject({ cancelled: true, uid: revision?.uid, start: '2026-01-22T16:00:00.000Z' });
  });

  it('falls back to the VTIMEZONE rules for a "Customized Time Zone"', () => {
    const [july, december] = parseICalendar(fixture('outlook-custom-tz.ics'));
    expect(july?.start).toBe('2026-07-07T08:00:00.000Z'); // +02:00 in summer
    expect(december?.start).toBe('2026-12-08T09:00:00.000Z'); // +01:00 in winter
  });
});

describe('Zoom export', () => {
  const [meeting] = parseICalendar(fixture('zoom.ics'));

  it('reads LF-only lines, the join link in LOCATION and the ID and passcode in DESCRIPTION', () => {
    expect(meeting).toMatchObject({
      uid: '20260820T093000Z-84512397261@fe80:0:0:0:1c2b:3ff:fe4d:5e6f%en0',
      summary: 'Year 10 Geography catch-up',
      start: '2026-09-15T13:00:00.000Z', // Europe/London, BST
      end: '2026-09-15T14:00:00.000Z',
    });
    const lines = meeting?.joinText.split('\n') ?? [];
    expect(lines).toContain('Meeting ID: 845 1239 7261');
    expect(lines).toContain('Passcode: 662810');
    expect(lines).toContain('+442079460123,,84512397261#,,,,*662810# United Kingdom');
    expect(lines.at(-1)).toBe('https://us06web.zoom.us/j/84512397261?pwd=bXk2TGpqRWd4QnJ5c0VQa3ZtV0N1Zz09');
    expect(meeting?.joinText).not.toContain('Reminder');
  });
});

describe('cancelled and recurring events', () => {
  it('marks every event of a METHOD:CANCEL calendar cancelled, and only that calendar', () => {
    const text = [
      calendar('METHOD:CANCEL', 'BEGIN:VEVENT', 'UID:a', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:b', 'END:VEVENT'),
      calendar('METHOD:PUBLISH', 'BEGIN:VEVENT', 'UID:c', 'END:VEVENT'),
    ].join('');
    expect(parseICalendar(text).map((e) => [e.uid, e.cancelled])).toEqual([['a', true], ['b', true], ['c', false]]);
  });

  it('reads STATUS:CANCELLED in any case', () => {
    expect(event('STATUS:cancelled').cancelled).toBe(true);
    expect(event('STATUS:TENTATIVE').cancelled).toBe(false);
  });

  it('keeps the RRULE as written and reads overridden and cancelled instances by RECURRENCE-ID', () => {
    const [series, moved, cancelled] = parseICalendar(fixture('weekly-class.ics'));
    expect(series).toMatchObject({
      summary: 'Year 8 French',
      start: '2026-09-07T08:30:00.000Z',
      recurrence: 'FREQ=WEEKLY;WKST=MO;UNTIL=20261218T235959Z;BYDAY=MO,WE',
      recurrenceId: null,
      cancelled: false,
    });
    expect(moved).toMatchObject({
      uid: series?.uid,
      recurrence: null,
      recurrenceId: '2026-11-04T09:30:00.000Z', // after the clocks went back: GMT
      start: '2026-11-04T14:00:00.000Z',
      cancelled: false,
    });
    expect(moved?.joinText).toContain('https://meet.google.com/rbe-xfjn-pqa');
    expect(cancelled).toMatchObject({ uid: series?.uid, recurrenceId: '2026-12-09T09:30:00.000Z', cancelled: true });
  });
});

describe('times', () => {
  it.each([
    ['America/New_York', '20260115T090000', '2026-01-15T14:00:00.000Z'],
    ['America/New_York', '20260715T090000', '2026-07-15T13:00:00.000Z'],
    ['Europe/London', '20260115T090000', '2026-01-15T09:00:00.000Z'],
    ['Europe/London', '20260715T090000', '2026-07-15T08:00:00.000Z'],
    ['Australia/Sydney', '20260115T090000', '2026-01-14T22:00:00.000Z'],
    ['Australia/Sydney', '20260715T090000', '2026-07-14T23:00:00.000Z'],
    ['Asia/Kolkata', '20260715T090000', '2026-07-15T03:30:00.000Z'],
    ['W. Europe Standard Time', '20260115T090000', '2026-01-15T08:00:00.000Z'],
    ['AUS Eastern Standard Time', '20260715T090000', '2026-07-14T23:00:00.000Z'],
    ['/mozilla.org/20050126_1/Europe/Berlin', '20260715T090000', '2026-07-15T07:00:00.000Z'],
  ])('TZID=%s:%s is %s', (tzid, local, utc) => {
    expect(event(`DTSTART;TZID=${tzid}:${local}`).start).toBe(utc);
    expect(event(`DTSTART;TZID="${tzid}":${local}`).start).toBe(utc);
  });

  it('reads a time in the spring-forward gap with the offset before it, and an ambiguous one as the first occurrence (RFC 5545 §3.3.5)', () => {
    expect(event('DTSTART;TZID=America/New_York:20260308T023000').start).toBe('2026-03-08T07:30:00.000Z');
    expect(event('DTSTART;TZID=America/New_York:20261101T013000').start).toBe('2026-11-01T05:30:00.000Z');
  });

  it('reads UTC, floating and DATE values without a zone, whatever TZID says', () => {
    expect(event('DTSTART;TZID=America/New_York:20260901T130000Z').start).toBe('2026-09-01T13:00:00.000Z');
    expect(event('DTSTART:20260901T090000').start).toBe('2026-09-01T09:00:00.000Z');
    expect(event('DTSTART;VALUE=DATE;TZID=America/New_York:20260901').start).toBe('2026-09-01T00:00:00.000Z');
    expect(event('DTSTART:20260901').start).toBe('2026-09-01T00:00:00.000Z');
  });

  it('names the IANA zone of DTSTART, in which a series keeps its wall-clock time', () => {
    expect(event('DTSTART;TZID=Europe/London:20260907T093000').timeZone).toBe('Europe/London');
    expect(event('DTSTART;TZID=W. Europe Standard Time:20260907T093000').timeZone).toBe('Europe/Berlin');
    expect(event('DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20260907T093000').timeZone).toBe('Europe/Berlin');
    expect(event('DTSTART:20260907T093000Z').timeZone).toBeNull();
    expect(event('DTSTART:20260907T093000').timeZone).toBeNull();
    expect(event('DTSTART;TZID=Somewhere Standard Time:20260901T090000').timeZone).toBeNull();
    expect(parseICalendar(fixture('outlook-custom-tz.ics'))[0]?.timeZone).toBeNull();
  });

  it('falls back to UTC for a TZID it cannot resolve', () => {
    expect(event('DTSTART;TZID=Somewhere Standard Time:20260901T090000').start).toBe('2026-09-01T09:00:00.000Z');
  });

  it('uses the X-LIC-LOCATION of a VTIMEZONE with a made-up TZID', () => {
    const [e] = parseICalendar(calendar(
      'BEGIN:VTIMEZONE', 'TZID:Schulzeit', 'X-LIC-LOCATION:Europe/Vienna', 'END:VTIMEZONE',
      'BEGIN:VEVENT', 'UID:x', 'DTSTART;TZID=Schulzeit:20260715T090000', 'END:VEVENT',
    ));
    expect(e?.start).toBe('2026-07-15T07:00:00.000Z');
  });

  it.each([
    ['DTSTART:20260901T130000Z', 'DURATION:PT1H30M', '2026-09-01T14:30:00.000Z'],
    ['DTSTART:20260901T130000Z', 'DURATION:P1W', '2026-09-08T13:00:00.000Z'],
    ['DTSTART;VALUE=DATE:20260901', 'DURATION:P1D', '2026-09-02T00:00:00.000Z'],
    ['DTSTART:20260901T130000Z', 'DURATION:-PT15M', '2026-09-01T12:45:00.000Z'],
    // A nominal day keeps the wall time across the DST change; 24 hours do not.
    ['DTSTART;TZID=America/New_York:20260307T120000', 'DURATION:P1D', '2026-03-08T16:00:00.000Z'],
    ['DTSTART;TZID=America/New_York:20260307T120000', 'DURATION:PT24H', '2026-03-08T17:00:00.000Z'],
  ])('%s + %s ends at %s', (start, duration, end) => {
    expect(event(start, duration).end).toBe(end);
  });

  it('prefers DTEND to DURATION and leaves end null without either', () => {
    expect(event('DTSTART:20260901T130000Z', 'DURATION:PT2H', 'DTEND:20260901T140000Z').end).toBe('2026-09-01T14:00:00.000Z');
    expect(event('DTSTART:20260901T130000Z').end).toBeNull();
  });
});

describe('content lines', () => {
  it('unfolds CRLF and LF folds with a space or a tab, skips blank lines and a BOM', () => {
    const text = '\uFEFFBEGIN:VCALENDAR\n\r\nBEGIN:VEVENT\r\nUID:fold\r\n  ed\nDESCRIPTION:Join: https://zoom.us/j/8451\r\n 2397261?pwd=ab\n\tcd\r\n\r\nEND:VEVENT\nEND:VCALENDAR';
    expect(parseICalendar(text)).toEqual([expect.objectContaining({ uid: 'fold ed', joinText: 'Join: https://zoom.us/j/84512397261?pwd=abcd' })]);
  });

  it('unescapes TEXT values', () => {
    expect(event('DESCRIPTION:a\\nb\\Nc\\,d\\;e\\\\f\\\\ng\\:h').joinText).toBe('a\nb\nc,d;e\\f\\ng\\:h');
    expect(event('SUMMARY:Maths\\, Year 9\\; room 4').summary).toBe('Maths, Year 9; room 4');
  });

  it('reads parameters whose quoted values hold : and ;', () => {
    const e = event(
      'LOCATION;ALTREP="cid:part1.0001@school.example;x=1":Room 12',
      'ORGANIZER;CN="Dr. Lee: Science; Y10";SENT-BY="mailto:office@school.example":mailto:lee@school.example',
    );
    expect(e.joinText).toBe('Room 12');
    expect(e.organizer).toBe('lee@school.example');
  });

  it('collects the conference properties of every vendor, and none of the others', () => {
    const e = event(
      'CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Join:https://meet.example.org/abc',
      'X-MICROSOFT-ONLINEMEETINGCONFLINK:conf:sip:lee@school.example\\;gruu\\;opaque=app:conf:focus:id:teams:2:0!19:meeting_X',
      'X-WEBEX-MEETINGURL:https://school.webex.com/meet/lee',
      'URL:https://zoom.us/j/84512397261',
      'X-ALT-DESC;FMTTYPE=text/html:<a href="https://zoom.us/j/84512397261">Join</a>',
      'COMMENT:not a place for links',
      'X-MICROSOFT-CDO-BUSYSTATUS:BUSY',
    );
    expect(e.joinText.split('\n')).toEqual([
      'https://meet.example.org/abc',
      'conf:sip:lee@school.example;gruu;opaque=app:conf:focus:id:teams:2:0!19:meeting_X',
      'https://school.webex.com/meet/lee',
      'https://zoom.us/j/84512397261',
      '<a href="https://zoom.us/j/84512397261">Join</a>',
    ]);
  });

  it('reads property and component names in any case and ignores unknown components', () => {
    const events = parseICalendar(calendar(
      'begin:VTODO', 'UID:todo', 'SUMMARY:Mark essays', 'END:VTODO',
      'Begin:vevent', 'uid:lower', 'dtstart:20260901T130000Z', 'x-unknown;x-param=1:whatever', 'End:VEvent',
    ));
    expect(events).toEqual([expect.objectContaining({ uid: 'lower', start: '2026-09-01T13:00:00.000Z' })]);
  });

  it('reads the organiser from an EMAIL parameter when the value is not a mailto:', () => {
    expect(event('ORGANIZER;CN=Office;EMAIL=office@school.example:urn:uuid:1234').organizer).toBe('office@school.example');
    expect(event('ORGANIZER;CN=Office:urn:uuid:1234').organizer).toBeNull();
    expect(event('ORGANIZER:MAILTO:Office@School.example').organizer).toBe('Office@School.example');
  });

  it('returns no events for a calendar without any', () => {
    expect(parseICalendar(calendar())).toEqual([]);
  });
});

describe('broken files', () => {
  it.each([
    ['an empty text', '', 1, /no BEGIN:VCALENDAR/],
    ['a VEVENT without a VCALENDAR', 'BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n', 1, /expected BEGIN:VCALENDAR, found "BEGIN:VEVENT"/],
    ['an HTML page', '\uFEFF\r\n\r\n<!doctype html>\r\n<html>', 3, /expected NAME:VALUE, found no ':' in "<!doctype html>"/],
    ['an END that closes the wrong component', 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nBEGIN:VALARM\nEND:VEVENT\nEND:VCALENDAR', 5,
      /END:VEVENT does not close BEGIN:VALARM from line 4/],
    ['a VEVENT that is never closed', 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nEND:VCALENDAR', 4, /END:VCALENDAR does not close BEGIN:VEVENT from line 2/],
    ['a VCALENDAR that is never closed', 'BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nEND:VEVENT\n', 1, /BEGIN:VCALENDAR is never closed/],
    ['an END without a BEGIN', 'BEGIN:VCALENDAR\nEND:VCALENDAR\nEND:VEVENT', 3, /END:VEVENT without a matching BEGIN/],
    ['a property after END:VCALENDAR', 'BEGIN:VCALENDAR\nEND:VCALENDAR\nSUMMARY:stray', 3, /"SUMMARY:stray" after END:VCALENDAR/],
    ['a VEVENT without UID', 'BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nSUMMARY:No id\nEND:VEVENT\nEND:VCALENDAR', 3, /VEVENT has no UID/],
    ['a line without a colon', 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nJoin the meeting here\nEND:VEVENT\nEND:VCALENDAR', 4,
      /found no ':' in "Join the meeting here"/],
    ['a property name with spaces', 'BEGIN:VCALENDAR\nMeeting ID: 845 1239 7261\nEND:VCALENDAR', 2, /"Meeting ID" is not a property name/],
    ['an unterminated quoted parameter', 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART;TZID="Europe/London:20260901T090000\nEND:VEVENT\nEND:VCALENDAR', 4,
      /parameter TZID opens a quote that is never closed/],
  ])('%s', (_name, text, line, message) => {
    const error = parseError(text);
    expect(error.line).toBe(line);
    expect(error.message).toMatch(new RegExp(`^line ${line}: `));
    expect(error.message).toMatch(message);
  });

  it.each([
    ['DTSTART:2026-09-01T09:00:00Z', /DTSTART value "2026-09-01T09:00:00Z" is not an iCalendar DATE/],
    ['DTSTART;TZID=Europe/London:20260231T090000', /DTSTART value "20260231T090000"/],
    ['DTSTART:20260901T250000', /DTSTART value "20260901T250000"/],
    ['DTSTART:', /DTSTART value ""/],
    ['DTEND:tomorrow', /DTEND value "tomorrow"/],
    ['RECURRENCE-ID:20260901T0900', /RECURRENCE-ID value "20260901T0900"/],
    ['DURATION:1 hour', /DURATION value "1 hour" is not an iCalendar duration/],
    ['DURATION:PT', /DURATION value "PT"/],
    ['DURATION:P99999999999999W', /DURATION value "P99999999999999W" is longer than 36600 days/],
  ])('names the line of an unreadable %s, counting physical lines of folded ones', (bad, message) => {
    // BEGIN:VEVENT is line 4, the folded DESCRIPTION lines 5–7, so the bad value is on line 8.
    const text = calendar('BEGIN:VEVENT', 'DESCRIPTION:a long', ' folded', ' text', bad, 'UID:x', 'END:VEVENT');
    const error = parseError(text);
    expect(error).toBeInstanceOf(CalendarParseError);
    expect(error.line).toBe(8);
    expect(error.message).toMatch(message);
  });
});

describe('untrusted text (property)', () => {
  const lineArb = fc.oneof(
    fc.string(),
    fc.tuple(
      fc.constantFrom('BEGIN', 'END', 'UID', 'DTSTART', 'DTEND', 'DURATION', 'RECURRENCE-ID', 'ORGANIZER', 'DESCRIPTION', 'METHOD', 'STATUS', 'RRULE', 'TZID', 'X-LIC-LOCATION', 'TZOFFSETTO', 'RDATE'),
      fc.constantFrom(':', ';TZID=', ';TZID="', ';VALUE=DATE:', ';TZID=America/New_York:', ';TZID=Eastern Standard Time:', ';X="a:b;c";Y=1:'),
      fc.oneof(fc.string(), fc.constantFrom('VEVENT', 'VCALENDAR', 'VTIMEZONE', 'STANDARD', 'DAYLIGHT', '20260901T090000', '20260901', 'P1D', 'PT1H', '+0100', 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'CANCEL')),
    ).map(([name, params, value]) => `${name}${params}${value}`),
  );

  it('either parses or throws CalendarParseError naming a line of the text', () => {
    fc.assert(fc.property(
      fc.oneof(fc.string(), fc.array(lineArb, { maxLength: 30 }).map((lines) => calendar('BEGIN:VEVENT', 'UID:p', ...lines, 'END:VEVENT'))),
      fc.constantFrom('\r\n', '\n', '\r'),
      (text, eol) => {
        const input = text.replace(/\r\n/g, eol);
        try {
          for (const e of parseICalendar(input)) {
            for (const t of [e.start, e.end, e.recurrenceId]) if (t !== null) expect(Number.isNaN(Date.parse(t))).toBe(false);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(CalendarParseError);
          const line = (error as CalendarParseError).line;
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(physicalLines(input));
        }
      },
    ), { numRuns: 500 });
  });

  it('gets back any description that was escaped and folded at arbitrary places', () => {
    fc.assert(fc.property(
      fc.string({ unit: 'grapheme' }).map((s) => s.replace(/\r/g, '')),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.constantFrom(' ', '\t'),
      (description, cuts, fold) => {
        const escaped = 'DESCRIPTION:' + description.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
        const positions = [...new Set(cuts.map((c) => 1 + (c % (escaped.length - 1))))].sort((a, b) => b - a);
        let folded = escaped;
        for (const p of positions) folded = `${folded.slice(0, p)}\r\n${fold}${folded.slice(p)}`;
        expect(event(folded).joinText).toBe(description.trim());
      },
    ));
  });
});
