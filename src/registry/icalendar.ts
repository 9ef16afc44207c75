/**
 * Reads RFC 5545 iCalendar text (exports from Google Calendar, Outlook/Teams,
 * Zoom) into the events an organiser registers. Pure: no I/O, no clock.
 *
 * Time zones, in the order tried for a `TZID`:
 * 1. an IANA name Node's ICU knows (`America/New_York`), converted with
 *    `Intl.DateTimeFormat` offsets, so DST is right for every date;
 * 2. a Windows name from Outlook (`Eastern Standard Time`), through
 *    `WINDOWS_ZONES` (CLDR windowsZones.xml, territory 001);
 * 3. the `X-LIC-LOCATION` of the calendar's VTIMEZONE with that TZID, and a
 *    trailing IANA name in a path-style TZID (`/mozilla.org/…/Europe/Berlin`);
 * 4. the STANDARD/DAYLIGHT rules of that VTIMEZONE, for Outlook's
 *    "Customized Time Zone" and display-name TZIDs (yearly BYMONTH/BYDAY rules
 *    and RDATEs; times inside a DST gap or overlap may be an hour off);
 * 5. otherwise UTC, as for floating times.
 */

import { ianaZoneName, wallToUtc } from './time-zones.js';

const MS_PER_DAY = 86_400_000;

/** One VEVENT of the calendar, with every time in UTC. */
export interface CalendarEvent {
  /** UID; an overridden instance shares it with its recurring series. */
  uid: string;
  /** SUMMARY, unescaped; null when absent. */
  summary: string | null;
  /** ISO-8601 UTC ('2026-09-01T13:00:00.000Z'); all-day DATE values → midnight UTC of that date. */
  start: string | null;
  /** DTEND, or DTSTART + DURATION; null when the event has neither. */
  end: string | null;
  /** The RRULE value as written, e.g. 'FREQ=WEEKLY;BYDAY=MO,WE'. */
  recurrence: string | null;
  /** STATUS:CANCELLED, or METHOD:CANCEL on the calendar. */
  cancelled: boolean;
  /** Email address from ORGANIZER, `mailto:` stripped; null when there is none. */
  organizer: string | null;
  /**
   * Text in which join links and meeting IDs are to be found: LOCATION,
   * DESCRIPTION, URL, CONFERENCE, X-ALT-DESC and the vendors' conference
   * properties (X-GOOGLE-CONFERENCE, X-MICROSOFT-SKYPETEAMSMEETINGURL, …),
   * unescaped, in file order, joined by newlines.
   */
  joinText: string;
  /** RECURRENCE-ID (an overridden instance) as ISO UTC; null for a series or single event. */
  recurrenceId: string | null;
}

/** The text is not a usable iCalendar file; `line` is the 1-based physical line to look at. */
export class CalendarParseError extends Error {
  override name = 'CalendarParseError';
  /** 1-based line of the file where the problem is (the first line of a folded line). */
  readonly line: number;

  constructor(line: number, problem: string, options?: ErrorOptions) {
    super(`line ${line}: ${problem}`, options);
    this.line = line;
  }
}

/**
 * Parses every VEVENT of every VCALENDAR in `text`.
 * @throws CalendarParseError when there is no VCALENDAR, BEGIN/END do not
 *   match, a line is not `NAME:VALUE`, a date or duration cannot be read, or
 *   a VEVENT has no UID.
 */
export function parseICalendar(text: string): CalendarEvent[] {
  const events: CalendarEvent[] = [];
  const stack: { name: string; line: number }[] = [];
  let calendar: CalendarState | null = null;
  let event: RawEvent | null = null;
  let timezone: VTimezone | null = null;
  let observance: Observance | null = null;
  let sawCalendar = false;

  for (const cl of contentLines(text)) {
    if (cl.name === 'BEGIN' || cl.name === 'END') {
      const component = cl.value.trim().toUpperCase();
      if (component === '') throw new CalendarParseError(cl.line, `${cl.name} without a component name`);
      if (cl.name === 'BEGIN') {
        if (stack.length === 0) {
          if (component !== 'VCALENDAR') {
            throw new CalendarParseError(cl.line, sawCalendar
              ? `BEGIN:${component} after END:VCALENDAR; components belong inside a VCALENDAR`
              : `expected BEGIN:VCALENDAR, found ${quote(cl.raw)}`);
          }
          sawCalendar = true;
          calendar = { cancelAll: false, events: [], timezones: [] };
        }
        const parent = stack.at(-1)?.name;
        stack.push({ name: component, line: cl.line });
        if (parent === 'VCALENDAR' && component === 'VEVENT') event = newRawEvent(cl.line);
        if (parent === 'VCALENDAR' && component === 'VTIMEZONE') timezone = { tzid: null, location: null, observances: [] };
        if (parent === 'VTIMEZONE' && (component === 'STANDARD' || component === 'DAYLIGHT')) {
          observance = { startWall: null, offsetFromMs: null, offsetToMs: null, rrule: null, rdates: [] };
        }
        continue;
      }
      const open = stack.pop();
      if (open === undefined) throw new CalendarParseError(cl.line, `END:${component} without a matching BEGIN`);
      if (open.name !== component) {
        throw new CalendarParseError(cl.line, `END:${component} does not close BEGIN:${open.name} from line ${open.line}`);
      }
      if (calendar === null) continue;
      if (component === 'VEVENT' && event !== null && stack.length === 1) {
        if (event.uid === null) throw new CalendarParseError(event.beginLine, 'VEVENT has no UID');
        calendar.events.push(event);
        event = null;
      } else if (component === 'VTIMEZONE' && timezone !== null) {
        calendar.timezones.push(timezone);
        timezone = null;
      } else if ((component === 'STANDARD' || component === 'DAYLIGHT') && observance !== null && timezone !== null) {
        timezone.observances.push(observance);
        observance = null;
      } else if (component === 'VCALENDAR') {
        events.push(...finishCalendar(calendar));
        calendar = null;
      }
      continue;
    }

    if (stack.length === 0) {
      throw new CalendarParseError(cl.line, sawCalendar
        ? `${quote(cl.raw)} after END:VCALENDAR`
        : `expected BEGIN:VCALENDAR, found ${quote(cl.raw)}`);
    }
    const depth = stack.length;
    const current = stack.at(-1)?.name;
    if (depth === 1 && cl.name === 'METHOD' && calendar !== null) {
      if (cl.value.trim().toUpperCase() === 'CANCEL') calendar.cancelAll = true;
    } else if (depth === 2 && current === 'VEVENT' && event !== null) {
      readEventProperty(event, cl);
    } else if (depth === 2 && current === 'VTIMEZONE' && timezone !== null) {
      if (cl.name === 'TZID') timezone.tzid = unescapeText(cl.value).trim();
      if (cl.name === 'X-LIC-LOCATION') timezone.location = unescapeText(cl.value).trim();
    } else if (depth === 3 && observance !== null) {
      readObservanceProperty(observance, cl);
    }
  }

  const unclosed = stack.at(-1);
  if (unclosed !== undefined) {
    throw new CalendarParseError(unclosed.line, `BEGIN:${unclosed.name} is never closed with END:${unclosed.name}`);
  }
  if (!sawCalendar) throw new CalendarParseError(1, 'no BEGIN:VCALENDAR: the text has no calendar in it');
  return events;
}

/** One unfolded `NAME;PARAM=…:VALUE` line. */
interface ContentLine {
  /** Physical line where the (possibly folded) line starts. */
  line: number;
  /** Upper-cased property name. */
  name: string;
  /** Upper-cased parameter names to their values, quotes removed. */
  params: Map<string, string>;
  value: string;
  /** The unfolded line as written, for error messages. */
  raw: string;
}

function* contentLines(text: string): Generator<ContentLine> {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let pending: { line: number; text: string } | null = null;
  for (const [index, line] of physical.entries()) {
    // Blank lines are skipped without ending a folded line: some generators
    // write CR CR LF, which would otherwise split a fold in two.
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && pending !== null) {
      pending.text += line.slice(1);
      continue;
    }
    if (pending !== null) yield parseContentLine(pending.text, pending.line);
    pending = { line: index + 1, text: line };
  }
  if (pending !== null) yield parseContentLine(pending.text, pending.line);
}

const PROPERTY_NAME = /^[A-Za-z0-9-]+$/;

function parseContentLine(text: string, line: number): ContentLine {
  // Leading whitespace can only be a continuation with nothing to continue.
  const raw = text.trimStart();
  let i = 0;
  while (i < raw.length && raw[i] !== ';' && raw[i] !== ':') i++;
  const name = raw.slice(0, i);
  if (i === raw.length) throw new CalendarParseError(line, `expected NAME:VALUE, found no ':' in ${quote(raw)}`);
  if (!PROPERTY_NAME.test(name)) throw new CalendarParseError(line, `${quote(name)} is not a property name (in ${quote(raw)})`);

  const params = new Map<string, string>();
  while (raw[i] === ';') {
    const nameStart = ++i;
    while (i < raw.length && raw[i] !== '=' && raw[i] !== ';' && raw[i] !== ':') i++;
    const paramName = raw.slice(nameStart, i).toUpperCase();
    if (raw[i] !== '=') continue;
    i++;
    const values: string[] = [];
    for (;;) {
      if (raw[i] === '"') {
        const close = raw.indexOf('"', i + 1);
        if (close < 0) throw new CalendarParseError(line, `parameter ${paramName} opens a quote that is never closed in ${quote(raw)}`);
        values.push(raw.slice(i + 1, close));
        i = close + 1;
      } else {
        const start = i;
        while (i < raw.length && raw[i] !== ',' && raw[i] !== ';' && raw[i] !== ':') i++;
        values.push(raw.slice(start, i));
      }
      if (raw[i] !== ',') break;
      i++;
    }
    params.set(paramName, values.join(','));
  }
  if (raw[i] !== ':') throw new CalendarParseError(line, `expected NAME:VALUE, found no ':' after the parameters in ${quote(raw)}`);
  return { line, name: name.toUpperCase(), params, value: raw.slice(i + 1), raw };
}

/** RFC 5545 §3.3.11 TEXT escapes; any other backslash is kept as written. */
function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, function unescapeOne(_match, c: string) {
    return c === 'n' || c === 'N' ? '\n' : c;
  });
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
}

// ---------------------------------------------------------------- events

interface CalendarState {
  cancelAll: boolean;
  events: RawEvent[];
  timezones: VTimezone[];
}

/** A time as written: wall-clock milliseconds (as if UTC) and the zone to read it in. */
interface DateValue {
  wallMs: number;
  /** null for UTC (`Z`), floating and DATE values. */
  tzid: string | null;
}

interface Duration {
  sign: 1 | -1;
  days: number;
  seconds: number;
}

interface RawEvent {
  beginLine: number;
  uid: string | null;
  summary: string | null;
  start: DateValue | null;
  end: DateValue | null;
  duration: Duration | null;
  recurrence: string | null;
  cancelled: boolean;
  organizer: string | null;
  joinParts: string[];
  recurrenceId: DateValue | null;
}

function newRawEvent(beginLine: number): RawEvent {
  return {
    beginLine, uid: null, summary: null, start: null, end: null, duration: null, recurrence: null,
    cancelled: false, organizer: null, joinParts: [], recurrenceId: null,
  };
}

const JOIN_PROPERTIES = new Set([
  'LOCATION', 'DESCRIPTION', 'URL', 'CONFERENCE', 'X-ALT-DESC', 'X-GOOGLE-CONFERENCE',
  'X-MICROSOFT-SKYPETEAMSMEETINGURL', 'X-MICROSOFT-ONLINEMEETINGCONFLINK', 'X-MICROSOFT-ONLINEMEETINGEXTERNALLINK',
]);
/** Vendor properties not listed above that by their name carry a join link. */
const JOIN_PROPERTY_PATTERN = /^X-[A-Z0-9-]*(CONFERENCE|MEETINGURL|MEETINGLINK|CONFLINK|JOINURL|JOINLINK)$/;

function readEventProperty(event: RawEvent, cl: ContentLine): void {
  switch (cl.name) {
    case 'UID': {
      const uid = unescapeText(cl.value).trim();
      if (uid !== '') event.uid = uid;
      return;
    }
    case 'SUMMARY':
      event.summary = unescapeText(cl.value).trim();
      return;
    case 'DTSTART':
      event.start = parseDateValue(cl);
      return;
    case 'DTEND':
      event.end = parseDateValue(cl);
      return;
    case 'RECURRENCE-ID':
      event.recurrenceId = parseDateValue(cl);
      return;
    case 'DURATION':
      event.duration = parseDuration(cl);
      return;
    case 'RRULE':
      // RFC 5545 says SHOULD NOT occur twice; the first one is the series.
      event.recurrence ??= cl.value.trim();
      return;
    case 'STATUS':
      event.cancelled = cl.value.trim().toUpperCase() === 'CANCELLED';
      return;
    case 'ORGANIZER':
      event.organizer = organizerEmail(cl);
      return;
  }
  if (JOIN_PROPERTIES.has(cl.name) || JOIN_PROPERTY_PATTERN.test(cl.name)) {
    const text = unescapeText(cl.value).trim();
    if (text !== '') event.joinParts.push(text);
  }
}

function organizerEmail(cl: ContentLine): string | null {
  const address = cl.value.trim().replace(/^mailto:/i, '').trim();
  if (address.includes('@')) return address;
  // RFC 7986 EMAIL parameter, for organizers whose address is not a mailto: URI.
  const email = cl.params.get('EMAIL')?.trim();
  return email !== undefined && email.includes('@') ? email : null;
}

const DATE_VALUE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/i;

function parseDateValue(cl: ContentLine): DateValue {
  const value = cl.value.trim();
  const wall = wallMsOf(value);
  if (wall === null) {
    throw new CalendarParseError(cl.line,
      `${cl.name} value ${quote(value)} is not an iCalendar DATE (20260901) or DATE-TIME (20260901T090000, 20260901T130000Z)`);
  }
  const isUtcOrDate = value.length === 8 || /z$/i.test(value);
  const tzid = cl.params.get('TZID')?.trim();
  return { wallMs: wall, tzid: isUtcOrDate || tzid === undefined || tzid === '' ? null : tzid };
}

/** Wall-clock milliseconds of a DATE or DATE-TIME (the `Z` is ignored), or null when it is not one. */
function wallMsOf(value: string): number | null {
  const m = DATE_VALUE.exec(value);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as
    [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 20260231 over into March; a real date survives the round trip.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  return ms;
}

const MAX_DURATION_DAYS = 36_600;
const DURATION = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;

function parseDuration(cl: ContentLine): Duration {
  const value = cl.value.trim();
  const m = DURATION.exec(value);
  if (m === null || value.replace(/^[+-]/, '').length < 3) {
    throw new CalendarParseError(cl.line, `DURATION value ${quote(value)} is not an iCalendar duration such as PT1H30M or P1D`);
  }
  const n = (i: number): number => Number(m[i] ?? 0);
  const duration: Duration = { sign: m[1] === '-' ? -1 : 1, days: n(2) * 7 + n(3), seconds: n(4) * 3600 + n(5) * 60 + n(6) };
  // Far beyond any meeting, and it keeps DTSTART + DURATION inside the range of a JavaScript Date.
  if (duration.days + duration.seconds / 86_400 > MAX_DURATION_DAYS) {
    throw new CalendarParseError(cl.line, `DURATION value ${quote(value)} is longer than ${MAX_DURATION_DAYS} days`);
  }
  return duration;
}

function finishCalendar(calendar: CalendarState): CalendarEvent[] {
  const zones = new Map<string, Zone>();
  function toUtcMs(value: DateValue): number {
    if (value.tzid === null) return value.wallMs;
    let zone = zones.get(value.tzid);
    if (zone === undefined) {
      zone = resolveZone(value.tzid, calendar.timezones);
      zones.set(value.tzid, zone);
    }
    return zone.toUtc(value.wallMs);
  }
  function iso(value: DateValue | null): string | null {
    return value === null ? null : new Date(toUtcMs(value)).toISOString();
  }
  return calendar.events.map(function toCalendarEvent(raw): CalendarEvent {
    let end = iso(raw.end);
    if (end === null && raw.duration !== null && raw.start !== null) {
      // Days are nominal (same wall time on a later date, across DST), hours exact: RFC 5545 §3.3.6.
      const { sign, days, seconds } = raw.duration;
      const shifted = { ...raw.start, wallMs: raw.start.wallMs + sign * days * MS_PER_DAY };
      end = new Date(toUtcMs(shifted) + sign * seconds * 1000).toISOString();
    }
    return {
      uid: raw.uid ?? '',
      summary: raw.summary,
      start: iso(raw.start),
      end,
      recurrence: raw.recurrence,
      cancelled: raw.cancelled || calendar.cancelAll,
      organizer: raw.organizer,
      joinText: raw.joinParts.join('\n'),
      recurrenceId: iso(raw.recurrenceId),
    };
  });
}

// ---------------------------------------------------------------- time zones

interface Zone {
  /** UTC milliseconds of a wall-clock time in this zone. */
  toUtc(wallMs: number): number;
}

const UTC_ZONE: Zone = { toUtc: (wallMs) => wallMs };

interface VTimezone {
  tzid: string | null;
  location: string | null;
  observances: Observance[];
}

interface Observance {
  /** DTSTART: wall time, in the offset before the change. */
  startWall: number | null;
  offsetFromMs: number | null;
  offsetToMs: number | null;
  rrule: string | null;
  rdates: number[];
}

function readObservanceProperty(observance: Observance, cl: ContentLine): void {
  // VTIMEZONE is only a fallback, so an unreadable one is ignored rather than fatal.
  switch (cl.name) {
    case 'DTSTART':
      observance.startWall = wallMsOf(cl.value.trim());
      return;
    case 'TZOFFSETFROM':
      observance.offsetFromMs = parseUtcOffset(cl.value);
      return;
    case 'TZOFFSETTO':
      observance.offsetToMs = parseUtcOffset(cl.value);
      return;
    case 'RRULE':
      observance.rrule = cl.value.trim();
      return;
    case 'RDATE':
      for (const date of cl.value.split(',')) {
        const wall = wallMsOf(date.trim());
        if (wall !== null) observance.rdates.push(wall);
      }
  }
}

function parseUtcOffset(value: string): number | null {
  const m = /^([+-])(\d{2})(\d{2})(\d{2})?$/.exec(value.trim());
  if (m === null) return null;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return (m[1] === '-' ? -1 : 1) * seconds * 1000;
}

function resolveZone(tzid: string, timezones: VTimezone[]): Zone {
  const vtimezone = timezones.find((tz) => tz.tzid === tzid)
    ?? timezones.find((tz) => tz.tzid?.toLowerCase() === tzid.toLowerCase());
  const name = ianaZoneName(tzid) ?? (vtimezone?.location ? ianaZoneName(vtimezone.location) : null);
  if (name !== null) return { toUtc: (wallMs) => wallToUtc(name, wallMs) };
  return (vtimezone && rulesZone(vtimezone)) ?? UTC_ZONE;
}

function rulesZone(tz: VTimezone): Zone | null {
  const observances = tz.observances.filter((o) => o.startWall !== null && o.offsetToMs !== null);
  if (observances.length === 0) return null;
  return {
    toUtc(wallMs) {
      let best: { onset: number; offset: number } | null = null;
      let earliest = observances[0] as Observance;
      for (const o of observances) {
        if ((o.startWall ?? 0) < (earliest.startWall ?? 0)) earliest = o;
        for (const onset of onsets(o, wallMs)) {
          if (onset <= wallMs && (best === null || onset > best.onset)) best = { onset, offset: o.offsetToMs ?? 0 };
        }
      }
      return wallMs - (best?.offset ?? earliest.offsetFromMs ?? earliest.offsetToMs ?? 0);
    },
  };
}

/** Wall times at which the observance began, near `wallMs` (this year and last). */
function onsets(o: Observance, wallMs: number): number[] {
  const start = o.startWall ?? 0;
  const list = [start, ...o.rdates];
  const rule = o.rrule === null ? null : yearlyRule(o.rrule, start);
  if (rule !== null) {
    const year = new Date(wallMs).getUTCFullYear();
    for (const y of [year - 1, year]) {
      const onset = rule.onset(y);
      if (onset === null || onset < start) continue;
      const utc = onset - (o.offsetFromMs ?? 0);
      if (rule.untilMs !== null && (rule.untilIsUtc ? utc : onset) > rule.untilMs) continue;
      list.push(onset);
    }
  }
  return list;
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** The yearly rules VTIMEZONEs use (`FREQ=YEARLY;BYMONTH=3;BYDAY=2SU`); null for anything else. */
function yearlyRule(rrule: string, startWall: number):
  { onset: (year: number) => number | null; untilMs: number | null; untilIsUtc: boolean } | null {
  const parts = new Map(rrule.toUpperCase().split(';').map((p) => {
    const [key = '', value = ''] = p.split('=');
    return [key.trim(), value.trim()] as const;
  }));
  if (parts.get('FREQ') !== 'YEARLY' || (parts.get('INTERVAL') ?? '1') !== '1') return null;
  const start = new Date(startWall);
  const month = Number(parts.get('BYMONTH') ?? start.getUTCMonth() + 1);
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  const timeOfDay = startWall - Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  const byDay = parts.get('BYDAY');
  const monthDays = (parts.get('BYMONTHDAY') ?? '').split(',').filter(Boolean).map(Number);
  const day = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(byDay ?? '');
  if (byDay !== undefined && day === null) return null;

  function dayOfMonth(year: number): number | null {
    const length = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day === null) return monthDays[0] ?? start.getUTCDate();
    const weekday = WEEKDAYS.indexOf(day[2] ?? '');
    const first = 1 + ((weekday - new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 7) % 7);
    const matching: number[] = [];
    for (let d = first; d <= length; d += 7) matching.push(d);
    if (day[1] === undefined) return matching.find((d) => monthDays.includes(d)) ?? null;
    const n = Number(day[1]);
    return (n > 0 ? matching[n - 1] : matching[matching.length + n]) ?? null;
  }

  const until = parts.get('UNTIL');
  return {
    onset(year) {
      const d = dayOfMonth(year);
      return d === null ? null : Date.UTC(year, month - 1, d) + timeOfDay;
    },
    untilMs: until === undefined ? null : wallMsOf(until),
    untilIsUtc: until?.endsWith('Z') ?? false,
  };
}
