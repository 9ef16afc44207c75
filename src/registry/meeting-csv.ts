/**
 * Reads the meeting list an organiser exports from a spreadsheet. Pure: no
 * I/O. Every problem in the file is collected, with its line and column, so
 * the organiser can fix them all in one pass; whether a platform or URL is a
 * real meeting is left to the caller (the extractor).
 */

import { normaliseEmail } from './email-address.js';
import { nearestName } from './nearest-name.js';
import { recurrenceProblem } from './recurrence.js';

/** One data row that passed every check. */
export interface MeetingCsvRow {
  /** 1-based line of the file where the row starts (the header is line 1). */
  row: number;
  /** Lower-cased, trimmed; null when empty. */
  platform: string | null;
  meetingId: string | null;
  /** An http(s), zoommtg:, zoomus: or msteams: link; null when empty. */
  url: string | null;
  ownerEmail: string;
  title: string | null;
  passcode: string | null;
  /** ISO-8601 UTC. */
  startsAt: string | null;
  /** ISO-8601 UTC, after `startsAt` when both are given. */
  endsAt: string | null;
  /** RFC 5545 RRULE value, without a leading `RRULE:`. */
  recurrence: string | null;
}

/** What is wrong with one cell (or, with `column: ''`, a whole row). */
export interface CsvProblem {
  /** 1-based line of the file; 1 is the header. */
  row: number;
  /** Documented column name, `''` for a problem with the whole row or file. */
  column: string;
  /** The offending text as written (trimmed, truncated to 100 characters). */
  value: string;
  message: string;
}

/** The documented columns, in the order the error message lists them. */
const COLUMNS = ['platform', 'meeting_id', 'url', 'owner_email', 'title', 'passcode', 'starts', 'ends', 'recurrence'] as const;
type Column = (typeof COLUMNS)[number];
/** A column already reported in the header (unknown or repeated), so its cells are not checked. */
const IGNORED = Symbol('ignored column');

const URL_SCHEMES = ['http', 'https', 'zoommtg', 'zoomus', 'msteams'];

/** Excel's first line naming the separator: `sep=;`, sometimes quoted or padded with separators. */
const SEP_LINE = /^(?:sep=([^\r\n])|"sep=([^\r\n"])")[^\r\n]*(?:\r\n|\n|\r|$)/i;
const DELIMITERS = [',', ';', '\t', '|'];

/**
 * Parses and checks a meeting CSV (RFC 4180), separated by what Excel's
 * `sep=` first line says, or else by whichever of `,`, `;` and tab the
 * header has most of. Rows with any problem are left out of `rows`; row
 * numbers are lines of the file, the `sep=` line included.
 */
export function parseMeetingCsv(text: string): { rows: MeetingCsvRow[]; problems: CsvProblem[] } {
  const file = text.replace(/^\uFEFF/, '');
  const sep = SEP_LINE.exec(file);
  const sepDelimiter = sep?.[1] ?? sep?.[2];
  if (sep !== null && !DELIMITERS.includes(sepDelimiter ?? '')) {
    return { rows: [], problems: [{ row: 1, column: '', value: clip(sep[0].trim()), message: 'Excel\'s sep= line names a separator other than , ; tab or |' }] };
  }
  const body = sep === null ? file : file.slice(sep[0].length);
  const records = readRecords(body, sepDelimiter ?? detectDelimiter(body), sep === null ? 1 : 2);
  const problems = records.flatMap((r) => (r.problem === null ? [] : [r.problem]));
  const content = records.filter((r) => r.problem !== null || !r.fields.every((f) => f.trim() === ''));
  const header = content[0];
  if (header === undefined) {
    problems.push({ row: 1, column: '', value: '', message: `the file is empty; it needs a header row such as ${COLUMNS.join(',')}` });
    return { rows: [], problems };
  }
  // Without a readable header no data row can be checked.
  if (header.problem !== null) return { rows: [], problems };

  const { columns, usable, problems: headerProblems } = readHeader(header);
  problems.push(...headerProblems);
  if (!usable) return { rows: [], problems: sortProblems(problems) };

  const rows: MeetingCsvRow[] = [];
  for (const record of content.slice(1)) {
    if (record.problem !== null) continue;
    if (record.fields.length !== header.fields.length) {
      problems.push({
        row: record.line, column: '', value: clip(record.raw),
        message: `has ${record.fields.length} fields, the header has ${header.fields.length}`,
      });
      continue;
    }
    const cells = new Map<Column, string>();
    const rowProblems: CsvProblem[] = [];
    for (const [index, name] of columns.entries()) {
      const value = (record.fields[index] ?? '').trim();
      if (name === IGNORED) continue;
      if (name !== null) cells.set(name, value);
      else if (value !== '') {
        rowProblems.push({ row: record.line, column: '', value: clip(value), message: `value in column ${index + 1}, which has no header` });
      }
    }
    const result = readRow(record.line, cells);
    if ('problems' in result) rowProblems.push(...result.problems);
    else if (rowProblems.length === 0) rows.push(result);
    problems.push(...rowProblems);
  }
  return { rows, problems: sortProblems(problems) };
}

/** One line for an organiser: `row 4, column owner_email: not an email address: "bob@"`. */
export function formatCsvProblem(p: CsvProblem): string {
  const where = p.column === '' ? `row ${p.row}` : `row ${p.row}, column ${p.column}`;
  return p.value === '' ? `${where}: ${p.message}` : `${where}: ${p.message}: ${JSON.stringify(p.value)}`;
}

// ---------------------------------------------------------------- RFC 4180

interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
  /** The record as written, for a problem about the whole row. */
  raw: string;
  /** Set when the record could not be read (an unterminated quote). */
  problem: CsvProblem | null;
}

/** European Excel writes `;` where the decimal separator is a comma, and "Unicode text" is tab-separated; the header tells which. */
function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  let sawText = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      if (sawText) break;
      continue;
    }
    if (c.trim() !== '') sawText = true;
    if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  return counts['\t'] > counts[','] ? '\t' : ',';
}

function readRecords(text: string, delimiter: string, firstLine: number): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = 0;
  let line = firstLine;
  while (i < text.length) {
    const start = i;
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let problem: CsvProblem | null = null;
    for (;;) {
      if (text[i] === '"' && field.trim() === '') {
        // A quote opens a quoted field only at the start of a field (after
        // optional blanks); elsewhere it is a literal, as spreadsheets write `5" screen`.
        const quoteLine = line;
        const quoteStart = i;
        let value = '';
        let closed = false;
        i++;
        while (i < text.length) {
          const c = text[i] as string;
          if (c === '"') {
            if (text[i + 1] === '"') { value += '"'; i += 2; continue; }
            i++;
            closed = true;
            break;
          }
          if (c === '\r' || c === '\n') {
            // One '\n' for any line break, so a title does not depend on the exporting OS.
            i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
            line++;
            value += '\n';
            continue;
          }
          value += c;
          i++;
        }
        if (!closed) {
          // Read on from the next line, so one stray quote does not hide the rest of the file.
          line = quoteLine;
          i = endOfLine(text, quoteStart);
          problem = { row: quoteLine, column: '', value: clip(text.slice(start, i)), message: 'a quoted field starts here and is never closed' };
          break;
        }
        field = value;
        continue;
      }
      const c = text[i];
      if (c === undefined || c === '\n' || c === '\r') {
        fields.push(field);
        break;
      }
      if (c === delimiter) {
        fields.push(field);
        field = '';
      } else {
        field += c;
      }
      i++;
    }
    const rawEnd = i;
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else if (text[i] === '\n' || text[i] === '\r') i++;
    line++;
    records.push({ line: startLine, fields: problem === null ? fields : [], raw: text.slice(start, rawEnd), problem });
  }
  return records;
}

/** Index of the line break that ends the line containing `index`, or the length of the text. */
function endOfLine(text: string, index: number): number {
  const match = /\r\n|\n|\r/g;
  match.lastIndex = index;
  const m = match.exec(text);
  return m === null ? text.length : m.index;
}

function clip(value: string): string {
  return value.length > 100 ? `${value.slice(0, 99)}…` : value;
}

// ---------------------------------------------------------------- checks

/** `usable` is false when a required column is missing, so every row would fail the same way. */
function readHeader(header: CsvRecord): { columns: (Column | typeof IGNORED | null)[]; usable: boolean; problems: CsvProblem[] } {
  const problems: CsvProblem[] = [];
  const seen = new Set<Column>();
  const columns = header.fields.map(function toColumn(field): Column | typeof IGNORED | null {
    const written = field.trim();
    // Spreadsheet users write "Meeting ID"; the documented name is meeting_id.
    const name = written.toLowerCase().replace(/[\s-]+/g, '_');
    if (name === '') return null;
    if (!(COLUMNS as readonly string[]).includes(name)) {
      const nearest = nearestName(name, COLUMNS);
      const hint = nearest === null ? '' : ` (did you mean ${nearest}?)`;
      problems.push({ row: header.line, column: written, value: written, message: `unknown column${hint}; the known columns are ${COLUMNS.join(', ')}` });
      return IGNORED;
    }
    const column = name as Column;
    if (seen.has(column)) {
      problems.push({ row: header.line, column, value: written, message: 'column appears twice' });
      return IGNORED;
    }
    seen.add(column);
    return column;
  });
  let usable = true;
  if (!seen.has('owner_email')) {
    usable = false;
    problems.push({ row: header.line, column: 'owner_email', value: '', message: 'required column is missing' });
  }
  if (!seen.has('url') && !(seen.has('platform') && seen.has('meeting_id'))) {
    usable = false;
    problems.push({ row: header.line, column: 'url', value: '', message: 'required column is missing: give url, or both platform and meeting_id' });
  }
  return { columns, usable, problems };
}

function readRow(line: number, cells: Map<Column, string>): MeetingCsvRow | { problems: CsvProblem[] } {
  const problems: CsvProblem[] = [];
  function problem(column: Column, value: string, message: string): void {
    problems.push({ row: line, column, value: clip(value), message });
  }
  const cell = (column: Column): string | null => {
    const value = cells.get(column) ?? '';
    return value === '' ? null : value;
  };

  const ownerEmail = cell('owner_email');
  if (ownerEmail === null) problem('owner_email', '', 'required');
  else if (!isEmail(ownerEmail)) problem('owner_email', ownerEmail, 'not an email address');

  const platform = cell('platform')?.toLowerCase() ?? null;
  const meetingId = cell('meeting_id');
  // Excel turns a long numeric ID into 8.45124E+10 unless the column is text; the digits are lost.
  if (meetingId !== null && /^\d+(\.\d+)?e\+\d+$/i.test(meetingId)) {
    problem('meeting_id', meetingId, 'the spreadsheet turned this ID into a rounded number; format the column as text and export again');
  }
  const url = cell('url');
  if (url !== null && !isJoinLink(url)) problem('url', url, `not a link starting with ${URL_SCHEMES.map((s) => `${s}:`).join(', ')}`);
  if (url === null && (platform === null || meetingId === null)) {
    problem('meeting_id', meetingId ?? '', 'needs either url, or both platform and meeting_id');
  }

  const starts = cell('starts');
  const ends = cell('ends');
  const startsAt = starts === null ? null : parseDateTime(starts);
  const endsAt = ends === null ? null : parseDateTime(ends);
  if (typeof startsAt === 'object' && startsAt !== null) problem('starts', starts ?? '', startsAt.error);
  if (typeof endsAt === 'object' && endsAt !== null) problem('ends', ends ?? '', endsAt.error);
  if (typeof startsAt === 'string' && typeof endsAt === 'string' && Date.parse(endsAt) <= Date.parse(startsAt)) {
    problem('ends', ends ?? '', `not after starts (${starts})`);
  }

  const recurrence = cell('recurrence')?.replace(/^RRULE:/i, '') ?? null;
  const ruleProblem = recurrence === null ? null : recurrenceProblem(recurrence);
  if (ruleProblem !== null) problem('recurrence', recurrence ?? '', `not an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO (${ruleProblem})`);

  if (problems.length > 0 || ownerEmail === null) return { problems };
  return {
    row: line, platform, meetingId, url, ownerEmail, title: cell('title'), passcode: cell('passcode'),
    startsAt: typeof startsAt === 'string' ? startsAt : null,
    endsAt: typeof endsAt === 'string' ? endsAt : null,
    recurrence,
  };
}

function sortProblems(problems: CsvProblem[]): CsvProblem[] {
  return problems.sort((a, b) => a.row - b.row);
}

/** The same rule the registry applies when it stores the owner (`normaliseEmail`), so a row passes here only if it can be stored. */
function isEmail(value: string): boolean {
  try {
    normaliseEmail(value);
    return true;
  } catch {
    return false;
  }
}

function isJoinLink(value: string): boolean {
  if (/\s/.test(value)) return false;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(value);
  if (m === null || !URL_SCHEMES.includes((m[1] ?? '').toLowerCase())) return false;
  const rest = m[2] ?? '';
  return /^https?$/i.test(m[1] ?? '') ? /^\/\/[^/?#\s]+/.test(rest) : rest.length > 0;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** ISO UTC string, or what is wrong with the value. */
function parseDateTime(value: string): string | { error: string } {
  const m = DATE_TIME.exec(value);
  const expected = 'expected a date and time such as 2026-09-01T13:00:00Z, 2026-09-01T09:00+02:00 or 2026-09-01 13:00 (UTC)';
  if (m === null) {
    return { error: /^\d{4}-\d{2}-\d{2}$/.test(value) ? `a date without a time; ${expected}` : `not a date and time; ${expected}` };
  }
  const [, y, mo, d, separator, h, mi, s = '0', fraction = '', zone] = m;
  if (zone === undefined && separator?.toUpperCase() === 'T') {
    return { error: 'no time zone: add Z for UTC or an offset such as +01:00' };
  }
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return { error: 'no such date' };
  }
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return { error: 'no such time of day' };
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || 0);
    if (hours > 23 || minutes > 59) return { error: `offset ${zone} is out of range` };
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const ms = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s), Number(fraction.padEnd(3, '0').slice(0, 3)));
  return new Date(ms - offsetMinutes * 60_000).toISOString();
}
