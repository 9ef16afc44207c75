/**
 * Reads RFC 5545 iCalendar text (exports from Google Calendar, Outlook/Teams,
 * Zoom) into the events an organiser registers. Pure: no I/O, no clock.
 *
 * ical.js reads the format: each property's value (TEXT escapes, dates,
 * durations, RRULE), the components (ICAL.Event) and VTIMEZONE rules
 * (ICAL.Timezone). What is leakwatch's own is a first pass over the lines
 * that refuses a file ical.js would read without complaint — BEGIN/END that
 * do not match, a line that is not `NAME:VALUE`, an impossible date, a VEVENT
 * without UID — naming the line, so an organiser can fix the file.
 *
 * Time zones, in the order tried for a `TZID`:
 * 1. an IANA name Node's ICU knows (`America/New_York`), a Windows name from
 *    Outlook (`Eastern Standard Time`), or a path ending in an IANA name
 *    (`/mozilla.org/…/Europe/Berlin`) — see time-zones.ts;
 * 2. the `X-LIC-LOCATION` of the calendar's VTIMEZONE with that TZID;
 * 3. the STANDARD/DAYLIGHT rules of that VTIMEZONE, through ICAL.Timezone,
 *    for Outlook's "Customized Time Zone" and display-name TZIDs;
 * 4. otherwise UTC, as for floating times.
 */

import ICAL from 'ical.js';
import { ianaZoneName, utcToWall, wallToUtc } from './time-zones.js';

const MS_PER_DAY = 86_400_000;

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;
type Time = InstanceType<typeof ICAL.Time>;
type Duration = InstanceType<typeof ICAL.Duration>;
/** A component as ical.js holds it: [name, properties, components]. */
type JCal = [string, unknown[], JCal[]];

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
  /**
   * IANA zone of DTSTART ('Europe/London'), in which a recurring event's
   * sessions keep their wall-clock time; null for UTC, floating and DATE
   * values and for zones known only by a VTIMEZONE's rules.
   */
  timeZone: string | null;
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
  /** EXDATE values of a series as ISO UTC, sorted: sessions that do not take place. */
  excludedStarts: string[];
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

/** What the first pass noted of the components, by their jCal. */
interface Notes {
  /** The first RRULE of each VEVENT as written (ical.js would write its parts in its own order). */
  rrules: WeakMap<JCal, string>;
  /** The line of each component's BEGIN. */
  lines: WeakMap<JCal, number>;
}

/**
 * The line as ical.js should read it: a DATE written without VALUE=DATE
 * (`DTSTART:20260901`, which Outlook writes) would be read as a broken
 * DATE-TIME.
 */
function typedLine(cl: ContentLine): string {
  if (!DATE_PROPERTIES.has(cl.name) || cl.params.has('VALUE') || !/^\d{8}$/.test(cl.value.trim())) return cl.raw;
  return cl.raw.replace(/^([^;:]+)/, '$1;VALUE=DATE');
}

const DATE_PROPERTIES = new Set(['DTSTART', 'DTEND', 'RECURRENCE-ID', 'EXDATE', 'RDATE', 'DUE']);

/** A component being read: its jCal, and what the first pass noted of it. */
interface Frame {
  name: string;
  line: number;
  jcal: JCal;
  hasUid: boolean;
  /** The first RRULE as written. */
  rrule: string | null;
}

/**
 * Parses every VEVENT of every VCALENDAR in `text`.
 * @throws CalendarParseError when there is no VCALENDAR, BEGIN/END do not
 *   match, a line is not `NAME:VALUE`, a date or duration cannot be read, or
 *   a VEVENT has no UID.
 */
export function parseICalendar(text: string): CalendarEvent[] {
  const events: CalendarEvent[] = [];
  const stack: Frame[] = [];
  const notes: Notes = { rrules: new WeakMap(), lines: new WeakMap() };
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
        }
        const jcal: JCal = [component.toLowerCase(), [], []];
        stack.at(-1)?.jcal[2].push(jcal);
        notes.lines.set(jcal, cl.line);
        stack.push({ name: component, line: cl.line, jcal, hasUid: false, rrule: null });
        continue;
      }
      const open = stack.pop();
      if (open === undefined) throw new CalendarParseError(cl.line, `END:${component} without a matching BEGIN`);
      if (open.name !== component) {
        throw new CalendarParseError(cl.line, `END:${component} does not close BEGIN:${open.name} from line ${open.line}`);
      }
      if (component === 'VEVENT' && stack.length === 1) {
        if (!open.hasUid) throw new CalendarParseError(open.line, 'VEVENT has no UID');
        if (open.rrule !== null) notes.rrules.set(open.jcal, open.rrule);
      }
      if (stack.length === 0) events.push(...readCalendar(open, notes));
      continue;
    }

    const frame = stack.at(-1);
    if (frame === undefined) {
      throw new CalendarParseError(cl.line, sawCalendar
        ? `${quote(cl.raw)} after END:VCALENDAR`
        : `expected BEGIN:VCALENDAR, found ${quote(cl.raw)}`);
    }
    // Only what is read later is checked: a broken VALARM or VTODO does not refuse the file.
    if (stack.length === 2 && frame.name === 'VEVENT') checkEventProperty(frame, cl);
    try {
      frame.jcal[1].push(ICAL.parse.property(typedLine(cl)));
    } catch (error) {
      throw new CalendarParseError(cl.line, `cannot read ${quote(cl.raw)}: ${(error as Error).message}`, { cause: error });
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

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
}

// ---------------------------------------------------------------- checks

function checkEventProperty(frame: Frame, cl: ContentLine): void {
  switch (cl.name) {
    case 'UID':
      if (cl.value.trim() !== '') frame.hasUid = true;
      return;
    case 'DTSTART':
    case 'DTEND':
    case 'RECURRENCE-ID':
      checkDateValue(cl);
      return;
    case 'DURATION':
      checkDuration(cl);
      return;
    case 'RRULE':
      // RFC 5545 says SHOULD NOT occur twice; the first one is the series.
      frame.rrule ??= cl.value.trim();
  }
}

const DATE_VALUE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/i;

/** ical.js reads `2026-09-01T09:00` or `20260231` as some date; leakwatch refuses them, naming the line. */
function checkDateValue(cl: ContentLine): void {
  const value = cl.value.trim();
  if (wallMsOf(value) === null) {
    throw new CalendarParseError(cl.line,
      `${cl.name} value ${quote(value)} is not an iCalendar DATE (20260901) or DATE-TIME (20260901T090000, 20260901T130000Z)`);
  }
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

function checkDuration(cl: ContentLine): void {
  const value = cl.value.trim();
  const m = DURATION.exec(value);
  if (m === null || value.replace(/^[+-]/, '').length < 3) {
    throw new CalendarParseError(cl.line, `DURATION value ${quote(value)} is not an iCalendar duration such as PT1H30M or P1D`);
  }
  const n = (i: number): number => Number(m[i] ?? 0);
  // Far beyond any meeting, and it keeps DTSTART + DURATION inside the range of a JavaScript Date.
  if (n(2) * 7 + n(3) + (n(4) * 3600 + n(5) * 60 + n(6)) / 86_400 > MAX_DURATION_DAYS) {
    throw new CalendarParseError(cl.line, `DURATION value ${quote(value)} is longer than ${MAX_DURATION_DAYS} days`);
  }
}

// ---------------------------------------------------------------- events

const JOIN_PROPERTIES = new Set([
  'location', 'description', 'url', 'conference', 'x-alt-desc', 'x-google-conference',
  'x-microsoft-skypeteamsmeetingurl', 'x-microsoft-onlinemeetingconflink', 'x-microsoft-onlinemeetingexternallink',
]);
/** Vendor properties not listed above that by their name carry a join link. */
const JOIN_PROPERTY_PATTERN = /^x-[a-z0-9-]*(conference|meetingurl|meetinglink|conflink|joinurl|joinlink)$/;

const decodeText = ICAL.design.icalendar.value.text!.fromICAL!;

function readCalendar(frame: Frame, notes: Notes): CalendarEvent[] {
  let calendar: Component;
  try {
    calendar = new ICAL.Component(frame.jcal);
  } catch (error) {
    throw new CalendarParseError(frame.line, `cannot read the calendar: ${(error as Error).message}`, { cause: error });
  }
  const cancelAll = String(calendar.getFirstPropertyValue('method') ?? '').trim().toUpperCase() === 'CANCEL';
  const zones = new CalendarZones(calendar.getAllSubcomponents('vtimezone'));
  return calendar.getAllSubcomponents('vevent').map(function toCalendarEvent(component): CalendarEvent {
    try {
      return readEvent(component, cancelAll, zones, notes);
    } catch (error) {
      if (error instanceof CalendarParseError) throw error;
      const line = notes.lines.get(component.jCal as JCal) ?? frame.line;
      throw new CalendarParseError(line, `cannot read the VEVENT: ${(error as Error).message}`, { cause: error });
    }
  });
}

function readEvent(component: Component, cancelAll: boolean, zones: CalendarZones, notes: Notes): CalendarEvent {
  const event = new ICAL.Event(component);
  const startProperty = component.getFirstProperty('dtstart');
  const start = startProperty === null ? null : zones.instant(startProperty);
  let end: number | null = null;
  const endProperty = component.getFirstProperty('dtend');
  const durationProperty = component.getFirstProperty('duration');
  if (endProperty !== null) end = zones.instant(endProperty).utcMs;
  else if (durationProperty !== null && start !== null) end = zones.after(start, durationProperty.getFirstValue() as Duration);
  const recurrenceId = component.getFirstProperty('recurrence-id');
  return {
    uid: String(event.uid ?? '').trim(),
    summary: component.hasProperty('summary') ? String(component.getFirstPropertyValue('summary') ?? '').trim() : null,
    start: start === null ? null : iso(start.utcMs),
    end: end === null ? null : iso(end),
    // ical.js wraps the jCal built above rather than copying it, so the first pass's notes still find it.
    recurrence: notes.rrules.get(component.jCal as JCal) ?? null,
    timeZone: start?.zone ?? null,
    cancelled: cancelAll || String(component.getFirstPropertyValue('status') ?? '').trim().toUpperCase() === 'CANCELLED',
    organizer: organizerEmail(component.getFirstProperty('organizer')),
    joinText: joinText(component),
    recurrenceId: recurrenceId === null ? null : iso(zones.instant(recurrenceId).utcMs),
    excludedStarts: start === null ? [] : excludedStarts(component, start, zones),
  };
}

/**
 * Every EXDATE value (a property may hold several, and there may be many
 * properties), each in its own TZID. A DATE value on a timed series (Outlook
 * writes them) excludes that day's session: the date at DTSTART's wall time.
 */
function excludedStarts(component: Component, start: Instant, zones: CalendarZones): string[] {
  const starts = new Set<string>();
  for (const property of component.getAllProperties('exdate')) {
    for (const value of zones.instants(property)) {
      const dateOnly = property.type === 'date' && start.wallMs % MS_PER_DAY !== 0;
      starts.add(iso(dateOnly ? start.toUtc(value.wallMs + (start.wallMs % MS_PER_DAY)) : value.utcMs));
    }
  }
  return [...starts].sort();
}

function joinText(component: Component): string {
  const parts: string[] = [];
  for (const property of component.getAllProperties()) {
    if (!JOIN_PROPERTIES.has(property.name) && !JOIN_PROPERTY_PATTERN.test(property.name)) continue;
    // A vendor's X- property is of no type ical.js knows, so its TEXT escapes are still in it.
    const value = property.type === 'unknown'
      ? decodeText(String(property.getFirstValue() ?? ''))
      : property.getValues().map(String).join(',');
    const text = value.trim();
    if (text !== '') parts.push(text);
  }
  return parts.join('\n');
}

function organizerEmail(property: Property | null): string | null {
  if (property === null) return null;
  const address = String(property.getFirstValue() ?? '').trim().replace(/^mailto:/i, '').trim();
  if (address.includes('@')) return address;
  // RFC 7986 EMAIL parameter, for organizers whose address is not a mailto: URI.
  const email = String(property.getParameter('email') ?? '').trim();
  return email.includes('@') ? email : null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------- time zones

/** A time as written and where it is: wall-clock ms (as if UTC), its zone, and the instant. */
interface Instant {
  wallMs: number;
  utcMs: number;
  /** IANA name of its zone; null for UTC, floating, DATE and VTIMEZONE-only zones. */
  zone: string | null;
  /** Turns a wall time in the same zone into UTC. */
  toUtc: (wallMs: number) => number;
}

/** The zones of one VCALENDAR: each TZID resolved once. */
class CalendarZones {
  readonly #timezones: Component[];
  readonly #resolved = new Map<string, { name: string | null; toUtc: (wallMs: number) => number }>();

  constructor(timezones: Component[]) {
    this.#timezones = timezones;
  }

  instant(property: Property): Instant {
    return this.#instant(property, property.getFirstValue() as Time, String((property.toJSON() as unknown[])[3] ?? ''));
  }

  /** Each value of a property that may hold several (EXDATE, RDATE). */
  instants(property: Property): Instant[] {
    const written = (property.toJSON() as unknown[]).slice(3);
    return (property.getValues() as Time[]).map((time, index) => this.#instant(property, time, String(written[index] ?? '')));
  }

  #instant(property: Property, time: Time, written: string): Instant {
    const wallMs = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
    const tzid = String(property.getParameter('tzid') ?? '').trim();
    if (time.isDate || written.endsWith('Z') || tzid === '') return { wallMs, utcMs: wallMs, zone: null, toUtc: (wall) => wall };
    const zone = this.#zone(tzid);
    return { wallMs, utcMs: zone.toUtc(wallMs), zone: zone.name, toUtc: zone.toUtc };
  }

  /** `start` + `duration`: days and weeks are nominal (same wall time on a later date, across DST), hours exact (RFC 5545 §3.3.6). */
  after(start: Instant, duration: Duration): number {
    const sign = duration.isNegative ? -1 : 1;
    const days = duration.weeks * 7 + duration.days;
    const seconds = duration.hours * 3600 + duration.minutes * 60 + duration.seconds;
    return start.toUtc(start.wallMs + sign * days * MS_PER_DAY) + sign * seconds * 1000;
  }

  #zone(tzid: string): { name: string | null; toUtc: (wallMs: number) => number } {
    let zone = this.#resolved.get(tzid);
    if (zone === undefined) {
      zone = this.#resolve(tzid);
      this.#resolved.set(tzid, zone);
    }
    return zone;
  }

  #resolve(tzid: string): { name: string | null; toUtc: (wallMs: number) => number } {
    const vtimezone = this.#timezones.find((tz) => String(tz.getFirstPropertyValue('tzid') ?? '').trim() === tzid)
      ?? this.#timezones.find((tz) => String(tz.getFirstPropertyValue('tzid') ?? '').trim().toLowerCase() === tzid.toLowerCase());
    const location = String(vtimezone?.getFirstPropertyValue('x-lic-location') ?? '').trim();
    const name = ianaZoneName(tzid) ?? (location === '' ? null : ianaZoneName(location));
    if (name !== null) return { name, toUtc: (wallMs) => wallToUtc(name, wallMs) };
    const rules = vtimezone === undefined ? null : rulesZone(vtimezone);
    return { name: null, toUtc: rules ?? ((wallMs) => wallMs) };
  }
}

/** The STANDARD/DAYLIGHT rules of a VTIMEZONE, through ICAL.Timezone; null when it has none ical.js can use. */
function rulesZone(vtimezone: Component): ((wallMs: number) => number) | null {
  if (vtimezone.getAllSubcomponents().length === 0) return null;
  let timezone: InstanceType<typeof ICAL.Timezone>;
  try {
    timezone = new ICAL.Timezone(vtimezone);
  } catch {
    // A VTIMEZONE is only a fallback, so an unreadable one is read as UTC rather than refusing the file.
    return null;
  }
  return function toUtc(wallMs) {
    const wall = new Date(wallMs);
    try {
      const time = ICAL.Time.fromData({
        year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(),
        hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds(), isDate: false,
      }, timezone);
      const utcMs = time.toUnixTime() * 1000;
      return Number.isFinite(utcMs) ? utcMs : wallMs;
    } catch {
      return wallMs;
    }
  };
}

/**
 * The sessions a series' EXDATE lines exclude, for a platform that hands
 * them over as lines (Google Calendar's `recurrence`: `EXDATE;TZID=…:…`),
 * read by the same parser as an iCalendar file. `start` is the series'
 * first start (ISO, any offset), `zone` the IANA zone it is in. Lines that
 * are not EXDATE are ignored; unreadable ones exclude nothing.
 */
export function excludedStartsOfLines(lines: readonly string[], start: string, zone: string | null): string[] {
  const startMs = Date.parse(start);
  const exdates = lines.map((line) => line.trim()).filter((line) => /^EXDATE[;:]/i.test(line) && !/[\r\n]/.test(line));
  if (exdates.length === 0 || Number.isNaN(startMs)) return [];
  const wall = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
  const dtstart = zone === null ? `DTSTART:${wall(startMs)}` : `DTSTART;TZID=${zone}:${wall(utcToWall(zone, startMs)).replace(/Z$/, '')}`;
  try {
    const [event] = parseICalendar(['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:series', dtstart, ...exdates, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
    return event?.excludedStarts ?? [];
  } catch (error) {
    if (error instanceof CalendarParseError) return [];
    throw error;
  }
}
