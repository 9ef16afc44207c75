import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsvProblem, parseMeetingCsv, type CsvProblem, type MeetingCsvRow } from '../../src/registry/meeting-csv.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

const HEADER = 'platform,meeting_id,url,owner_email,title,passcode,starts,ends,recurrence';

/** A file with the full header and `lines` as data rows. */
function csv(...lines: string[]): string {
  return [HEADER, ...lines].join('\n');
}

function problems(text: string): CsvProblem[] {
  return parseMeetingCsv(text).problems;
}

function row(overrides: Partial<MeetingCsvRow>): MeetingCsvRow {
  return {
    row: 2, platform: null, meetingId: null, url: null, ownerEmail: 'lee@school.example', title: null, passcode: null,
    startsAt: null, endsAt: null, recurrence: null, ...overrides,
  };
}

describe('reading a file', () => {
  it('reads every kind of row of a spreadsheet export, with the header in any case and order', () => {
    const { rows, problems } = parseMeetingCsv(fixture('meetings.csv'));
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      row({
        row: 2, ownerEmail: 'a.rivera@westfield.example', platform: 'zoom', meetingId: '845 1239 7261', title: 'Year 9 Maths',
        passcode: '662810', startsAt: '2026-09-01T13:00:00.000Z', endsAt: '2026-09-01T14:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=TU,TH',
      }),
      row({
        row: 3, ownerEmail: 'd.okafor@northbrook.example', title: 'Chemistry, Year 11',
        url: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_ZjE3YTkyNDgtNDc1Yi00ZDFhLWI2ZTMtOTgwYzE0YWI1ZDc3%40thread.v2/0',
        startsAt: '2026-01-22T16:00:00.000Z', endsAt: '2026-01-22T17:00:00.000Z',
      }),
      row({
        row: 4, ownerEmail: 'c.dubois@harbour.example', platform: 'meet', url: 'https://meet.google.com/rbe-xfjn-pqa',
        title: 'Year 8 French\n(Mon and Wed)', startsAt: '2026-09-07T08:30:00.000Z', endsAt: '2026-09-07T09:30:00.000Z',
        recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE',
      }),
      // The quoted title spans lines 4–5, so this row is on line 6.
      row({ row: 6, ownerEmail: 'p.shah@harbour.example', platform: 'webex', meetingId: '2641 987 3305', title: 'The "Geography" club' }),
      row({ row: 7, ownerEmail: 'office@lindenschule.example', url: 'zoommtg://zoom.us/join?confno=84512397261&pwd=662810' }),
    ]);
  });

  it('reads a German Excel export: BOM, semicolons, "Meeting ID" headers, commas in unquoted titles', () => {
    const { rows, problems } = parseMeetingCsv(fixture('meetings-excel-de.csv'));
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      row({
        row: 2, platform: 'teams', meetingId: '372 915 408 226', ownerEmail: 'k.weber@lindenschule.example', title: 'Elternabend 7b, Raum 12',
        startsAt: '2026-07-07T08:00:00.000Z', endsAt: '2026-07-07T09:00:00.000Z',
      }),
      row({ row: 3, platform: 'zoom', meetingId: '845 1239 7261', ownerEmail: 'm.huber@lindenschule.example', title: 'Mathe; Förderkurs' }),
    ]);
  });

  it.each([
    ['sep=;', 'sep=;\r\nPlatform;Meeting ID;Owner Email;Title\r\nzoom;845 1239 7261;m.huber@lindenschule.example;Mathe, Kurs 2\r\n'],
    ['a quoted sep=;', '"sep=;"\nPlatform;Meeting ID;Owner Email;Title\nzoom;845 1239 7261;m.huber@lindenschule.example;Mathe, Kurs 2\n'],
    ['sep=; padded with separators', 'sep=;;;;\nPlatform;Meeting ID;Owner Email;Title\nzoom;845 1239 7261;m.huber@lindenschule.example;Mathe, Kurs 2\n'],
    ['sep= naming a tab', 'sep=\t\nPlatform\tMeeting ID\tOwner Email\tTitle\nzoom\t845 1239 7261\tm.huber@lindenschule.example\tMathe, Kurs 2\n'],
  ])('reads Excel\'s %s first line as the separator, and counts it in row numbers', (_name, text) => {
    const { rows, problems } = parseMeetingCsv(text);
    expect(problems).toEqual([]);
    expect(rows).toEqual([row({ row: 3, platform: 'zoom', meetingId: '845 1239 7261', ownerEmail: 'm.huber@lindenschule.example', title: 'Mathe, Kurs 2' })]);
  });

  it('names the row of a problem in a file with a sep= line by its line in the file, and refuses a separator it cannot use', () => {
    expect(parseMeetingCsv('sep=;\nowner_email;url\nbob@;https://zoom.us/j/84512397261').problems).toEqual([
      { row: 3, column: 'owner_email', value: 'bob@', message: 'not an email address' },
    ]);
    expect(parseMeetingCsv('sep=x\nowner_email,url\n').problems).toEqual([
      { row: 1, column: '', value: 'sep=x', message: "Excel's sep= line names a separator other than , ; tab or |" },
    ]);
  });

  it('reads a tab-separated file (Excel "Unicode text") when its header has more tabs than commas', () => {
    const { rows, problems } = parseMeetingCsv('owner_email\turl\ttitle\na@school.example\thttps://zoom.us/j/84512397261\tMaths, Year 9\n');
    expect(problems).toEqual([]);
    expect(rows).toEqual([row({ url: 'https://zoom.us/j/84512397261', ownerEmail: 'a@school.example', title: 'Maths, Year 9' })]);
  });

  it('suggests the documented column for a mistyped header', () => {
    expect(problems('owner_emial,url\na@school.example,https://zoom.us/j/84512397261')).toEqual(expect.arrayContaining([
      { row: 1, column: 'owner_emial', value: 'owner_emial', message: expect.stringMatching(/^unknown column \(did you mean owner_email\?\); the known columns are/) },
    ]));
  });

  it('reads quoted delimiters, doubled quotes and line breaks, keeping later row numbers right', () => {
    const text = csv(
      'zoom,111,,a@school.example,"Room 4, ""Annex""",,,,',
      'zoom,222,,b@school.example,"line one',
      'line two',
      '',
      'line four",,,,',
      'zoom,333,,c@school.example,"a;b",,,,',
    );
    const { rows, problems } = parseMeetingCsv(text);
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.row, r.meetingId, r.title])).toEqual([
      [2, '111', 'Room 4, "Annex"'],
      [3, '222', 'line one\nline two\n\nline four'],
      [7, '333', 'a;b'],
    ]);
  });

  it('reads CRLF, LF and CR line breaks alike', () => {
    const text = csv('zoom,111,,a@school.example,"x\ny",,,,', 'zoom,222,,b@school.example,,,,,');
    const expected = parseMeetingCsv(text);
    expect(expected.rows.map((r) => r.row)).toEqual([2, 4]);
    expect(parseMeetingCsv(text.replace(/\n/g, '\r\n'))).toEqual(expected);
    expect(parseMeetingCsv(text.replace(/\n/g, '\r'))).toEqual(expected);
  });

  it('skips blank lines and rows of empty cells, and trims every cell', () => {
    const { rows, problems } = parseMeetingCsv(`\n\n${HEADER}\n\n,,,,,,,,\n ZOOM , 111 ,, a@school.example ,  ,,,,\n\n\n`);
    expect(problems).toEqual([]);
    expect(rows).toEqual([row({ row: 6, platform: 'zoom', meetingId: '111', ownerEmail: 'a@school.example' })]);
  });

  it('takes `YYYY-MM-DD HH:MM` as UTC and honours offsets and Z', () => {
    const { rows } = parseMeetingCsv(csv(
      'zoom,1,,a@school.example,,,2026-09-01 13:00,2026-09-01 14:30:15,',
      'zoom,2,,a@school.example,,,2026-09-01T09:00:00.5-04:00,2026-09-01T15:00+0100,',
      'zoom,3,,a@school.example,,,2026-09-01t13:00:00z,2026-09-01 16:00 +02,',
    ));
    expect(rows.map((r) => [r.startsAt, r.endsAt])).toEqual([
      ['2026-09-01T13:00:00.000Z', '2026-09-01T14:30:15.000Z'],
      ['2026-09-01T13:00:00.500Z', '2026-09-01T14:00:00.000Z'],
      ['2026-09-01T13:00:00.000Z', '2026-09-01T14:00:00.000Z'],
    ]);
  });

  it('returns no rows and no problems for a header-only file', () => {
    expect(parseMeetingCsv(`${HEADER}\r\n`)).toEqual({ rows: [], problems: [] });
  });

  it.each([[''], ['\uFEFF'], ['\n\n  \n']])('reports an empty file (%j) on row 1', (text) => {
    const { rows, problems } = parseMeetingCsv(text);
    expect(rows).toEqual([]);
    expect(problems).toEqual([{ row: 1, column: '', value: '', message: expect.stringMatching(/^the file is empty; it needs a header row such as platform,meeting_id,/) }]);
  });
});

describe('problems', () => {
  it('reports missing required columns on row 1 and reads no rows', () => {
    expect(parseMeetingCsv('platform,meeting_id,title\nzoom,1,x')).toEqual({
      rows: [],
      problems: [{ row: 1, column: 'owner_email', value: '', message: 'required column is missing' }],
    });
    expect(problems('owner_email,title\na@school.example,x')).toEqual([
      { row: 1, column: 'url', value: '', message: 'required column is missing: give url, or both platform and meeting_id' },
    ]);
    expect(problems('owner_email,meeting_id\na@school.example,1')).toHaveLength(1);
  });

  it('reports unknown and repeated columns, listing the known ones, and still checks the rows', () => {
    const { rows, problems } = parseMeetingCsv('owner_email,url,Notes,URL\na@school.example,https://zoom.us/j/1,hi,https://zoom.us/j/2\nbob@,https://zoom.us/j/3,,');
    expect(problems).toEqual([
      { row: 1, column: 'Notes', value: 'Notes', message: 'unknown column; the known columns are platform, meeting_id, url, owner_email, title, passcode, starts, ends, recurrence' },
      { row: 1, column: 'url', value: 'URL', message: 'column appears twice' },
      { row: 3, column: 'owner_email', value: 'bob@', message: 'not an email address' },
    ]);
    expect(rows).toEqual([row({ url: 'https://zoom.us/j/1', ownerEmail: 'a@school.example' })]);
  });

  it.each([
    ['', 'required'],
    ['bob@', 'not an email address'],
    ['bob', 'not an email address'],
    ['bob@school', 'not an email address'],
    ['Bob Lee <bob@school.example>', 'not an email address'],
    ['bob@@school.example', 'not an email address'],
    ['.bob@school.example', 'not an email address'],
  ])('reports owner_email %j', (value, message) => {
    expect(problems(csv(`zoom,1,,${value},,,,,`))).toEqual([{ row: 2, column: 'owner_email', value, message }]);
  });

  it('accepts an owner address with an internationalised domain, as written', () => {
    expect(parseMeetingCsv(csv('zoom,1,,Lehrer@Schüle.example,,,,,')).rows).toEqual([row({ platform: 'zoom', meetingId: '1', ownerEmail: 'Lehrer@Schüle.example' })]);
  });

  it.each([
    ['starts', '01/09/2026 13:00', /^not a date and time; expected a date and time such as 2026-09-01T13:00:00Z/],
    ['starts', '2026-09-01', /^a date without a time/],
    ['starts', '2026-09-01T13:00', /^no time zone: add Z for UTC or an offset such as \+01:00$/],
    ['starts', '2026-02-30 10:00', /^no such date$/],
    ['ends', '2026-09-01 24:00', /^no such time of day$/],
    ['ends', '2026-09-01T10:00+25:00', /^offset \+25:00 is out of range$/],
  ])('reports %s %j', (column, value, message) => {
    const cells = column === 'starts' ? `${value},` : `,${value}`;
    expect(problems(csv(`zoom,1,,a@school.example,,,${cells},`))).toEqual([{ row: 2, column, value, message: expect.stringMatching(message) }]);
  });

  it('reports ends that are not after starts', () => {
    expect(problems(csv(
      'zoom,1,,a@school.example,,,2026-09-01T10:00Z,2026-09-01T09:00Z,',
      'zoom,2,,a@school.example,,,2026-09-01T10:00Z,2026-09-01T12:00+02:00,',
    ))).toEqual([
      { row: 2, column: 'ends', value: '2026-09-01T09:00Z', message: 'not after starts (2026-09-01T10:00Z)' },
      { row: 3, column: 'ends', value: '2026-09-01T12:00+02:00', message: 'not after starts (2026-09-01T10:00Z)' },
    ]);
  });

  it.each([
    'zoom.us/j/84512397261', 'javascript:alert(1)', 'https://', 'ftp://files.school.example/x', 'mailto:a@school.example', 'https://zoom.us/j/845 1239 7261',
  ])('reports url %j', (url) => {
    expect(problems(csv(`,,${url},a@school.example,,,,,`))).toEqual([
      { row: 2, column: 'url', value: url, message: 'not a link starting with http:, https:, zoommtg:, zoomus:, msteams:' },
    ]);
  });

  it.each(['HTTPS://zoom.us/j/1', 'zoomus://zoom.us/join?confno=1', 'msteams:/l/meetup-join/19%3ameeting_x%40thread.v2/0'])('accepts url %j', (url) => {
    expect(parseMeetingCsv(csv(`,,${url},a@school.example,,,,,`)).rows).toEqual([row({ url, ownerEmail: 'a@school.example' })]);
  });

  it('reports a row with neither url nor platform and meeting_id on column meeting_id', () => {
    expect(problems(csv('zoom,,,a@school.example,,,,,', ',8451,,a@school.example,,,,,', ',,,a@school.example,Maths,,,,'))).toEqual([
      { row: 2, column: 'meeting_id', value: '', message: 'needs either url, or both platform and meeting_id' },
      { row: 3, column: 'meeting_id', value: '8451', message: 'needs either url, or both platform and meeting_id' },
      { row: 4, column: 'meeting_id', value: '', message: 'needs either url, or both platform and meeting_id' },
    ]);
  });

  it('reports a meeting ID that the spreadsheet turned into a rounded number', () => {
    expect(problems(csv('zoom,8.45124E+10,,a@school.example,,,,,'))).toEqual([{
      row: 2, column: 'meeting_id', value: '8.45124E+10',
      message: 'the spreadsheet turned this ID into a rounded number; format the column as text and export again',
    }]);
  });

  it('reports a recurrence that is not an RRULE, and what is wrong with it', () => {
    expect(problems(csv(
      'zoom,1,,a@school.example,,,,,every Monday',
      'zoom,2,,a@school.example,,,,,BYDAY=MO',
      'zoom,3,,a@school.example,,,,,BYDAY=XX;COUNT=abc',
      'zoom,4,,a@school.example,,,,,FREQ=SOMETIMES',
      'zoom,5,,a@school.example,,,,,FREQ=WEEKLY;COUNT=3;UNTIL=20261218',
      'zoom,6,,a@school.example,,,,,RRULE:FREQ=WEEKLY;BYDAY=MO',
    ))).toEqual([
      { row: 2, column: 'recurrence', value: 'every Monday', message: 'not an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO ("every Monday" is not NAME=VALUE)' },
      { row: 3, column: 'recurrence', value: 'BYDAY=MO', message: 'not an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO (FREQ is missing (FREQ=WEEKLY, FREQ=DAILY, …))' },
      { row: 4, column: 'recurrence', value: 'BYDAY=XX;COUNT=abc', message: expect.stringMatching(/\(BYDAY: "XX" is not a weekday/) },
      { row: 5, column: 'recurrence', value: 'FREQ=SOMETIMES', message: expect.stringMatching(/\(FREQ: "SOMETIMES" is not one of SECONDLY/) },
      { row: 6, column: 'recurrence', value: 'FREQ=WEEKLY;COUNT=3;UNTIL=20261218', message: expect.stringMatching(/\(COUNT and UNTIL together/) },
    ]);
  });

  it('reports a row with the wrong number of fields, and a value under a column with no header', () => {
    const { rows, problems } = parseMeetingCsv('owner_email,url,\na@school.example,https://zoom.us/j/1\na@school.example,https://zoom.us/j/1,,\nb@school.example,https://zoom.us/j/2,oops\nc@school.example,https://zoom.us/j/3,');
    expect(rows.map((r) => r.row)).toEqual([5]);
    expect(problems).toEqual([
      { row: 2, column: '', value: 'a@school.example,https://zoom.us/j/1', message: 'has 2 fields, the header has 3' },
      { row: 3, column: '', value: 'a@school.example,https://zoom.us/j/1,,', message: 'has 4 fields, the header has 3' },
      { row: 4, column: '', value: 'oops', message: 'value in column 3, which has no header' },
    ]);
  });

  it('reports an unterminated quote on the line where it opens, and reads the rows after it', () => {
    const { rows, problems } = parseMeetingCsv(csv(
      'zoom,111,,a@school.example,Maths,,,,',
      'zoom,222,,b@school.example,"Maths, Year 9,,,,',
      'zoom,333,,c@school.example,French,,,,',
    ));
    expect(problems).toEqual([
      { row: 3, column: '', value: 'zoom,222,,b@school.example,"Maths, Year 9,,,,', message: 'a quoted field starts here and is never closed' },
    ]);
    expect(rows.map((r) => [r.row, r.meetingId])).toEqual([[2, '111'], [4, '333']]);
  });

  it('reports an unterminated quote in the header and nothing else', () => {
    expect(parseMeetingCsv('owner_email,"url\na@school.example,https://zoom.us/j/1')).toEqual({
      rows: [],
      problems: [{ row: 1, column: '', value: 'owner_email,"url', message: 'a quoted field starts here and is never closed' }],
    });
  });

  it('reports every problem of every row together, in row order, and keeps the good rows', () => {
    const { rows, problems } = parseMeetingCsv(csv(
      'zoom,111,,bob@,,,2026-09-01 10:00,2026-09-01 09:00,weekly',
      'zoom,222,,ok@school.example,,,,,',
      ',,zoom.us/j/333,,,,tomorrow,,',
      'zoom,444,,x@school.example',
    ));
    expect(problems.map(formatCsvProblem)).toEqual([
      'row 2, column owner_email: not an email address: "bob@"',
      'row 2, column ends: not after starts (2026-09-01 10:00): "2026-09-01 09:00"',
      'row 2, column recurrence: not an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO ("weekly" is not NAME=VALUE): "weekly"',
      'row 4, column owner_email: required',
      'row 4, column url: not a link starting with http:, https:, zoommtg:, zoomus:, msteams:: "zoom.us/j/333"',
      expect.stringMatching(/^row 4, column starts: not a date and time; .*: "tomorrow"$/),
      'row 5: has 4 fields, the header has 9: "zoom,444,,x@school.example"',
    ]);
    expect(rows.map((r) => r.row)).toEqual([3]);
  });
});

describe('formatCsvProblem', () => {
  it('names the row, the column and the value as written', () => {
    expect(formatCsvProblem({ row: 4, column: 'owner_email', value: 'bob@', message: 'not an email address' }))
      .toBe('row 4, column owner_email: not an email address: "bob@"');
    expect(formatCsvProblem({ row: 1, column: 'owner_email', value: '', message: 'required column is missing' }))
      .toBe('row 1, column owner_email: required column is missing');
    expect(formatCsvProblem({ row: 7, column: 'title', value: 'a "b"\nc', message: 'x' })).toBe('row 7, column title: x: "a \\"b\\"\\nc"');
  });
});

describe('untrusted text (property)', () => {
  const piece = fc.oneof(
    fc.string(),
    fc.constantFrom(',', ';', '"', '""', '\n', '\r\n', '\r', '\uFEFF', ' ', HEADER, 'zoom', 'a@school.example', '2026-09-01 10:00', 'https://zoom.us/j/1'),
  );

  it('never throws, and every row and problem is on a line of the file', () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), fc.boolean(), (pieces, withHeader) => {
      const text = (withHeader ? `${HEADER}\n` : '') + pieces.join('');
      const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).length;
      const { rows, problems } = parseMeetingCsv(text);
      for (const n of [...rows.map((r) => r.row), ...problems.map((p) => p.row)]) {
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(lines);
      }
      for (const r of rows) expect(r.url !== null || (r.platform !== null && r.meetingId !== null)).toBe(true);
      for (const p of problems) expect(formatCsvProblem(p)).toMatch(/^row \d+/);
    }), { numRuns: 1000 });
  });

  it('gets back any title, and the right row numbers, however it is quoted', () => {
    const title = fc.string({ unit: 'grapheme' }).map((s) => s.replace(/\r\n?/g, '\n').trim());
    fc.assert(fc.property(fc.array(title, { minLength: 1, maxLength: 6 }), fc.constantFrom(',', ';'), fc.constantFrom('\n', '\r\n'), (titles, delimiter, eol) => {
      const quote = (s: string): string => `"${s.replace(/"/g, '""').replace(/\n/g, eol)}"`;
      const lines = [HEADER.replace(/,/g, delimiter)];
      const expectedRows: number[] = [];
      let line = 2;
      for (const [i, t] of titles.entries()) {
        expectedRows.push(line);
        line += t.split('\n').length;
        lines.push(['zoom', String(i), '', 'a@school.example', quote(t), '', '', '', ''].join(delimiter));
      }
      const { rows, problems } = parseMeetingCsv(lines.join(eol));
      expect(problems).toEqual([]);
      expect(rows.map((r) => r.title ?? '')).toEqual(titles);
      expect(rows.map((r) => r.row)).toEqual(expectedRows);
    }));
  });
});
