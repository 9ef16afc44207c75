/**
 * When a recurring meeting meets: whether its series is over, and its next
 * session. One rule for severity, the matcher's quiet leaks and the alert
 * email. Rules are checked strictly here ({@link recurrenceProblem}) and
 * expanded by ical.js, in the meeting's time zone so a 09:00 class stays at
 * 09:00 across DST changes.
 */

import ICAL from 'ical.js';
import { InputError } from '../errors.js';
import { utcToWall, wallToUtc } from './time-zones.js';

/** What of a meeting decides when it meets. */
export interface Schedule {
  /** ISO-8601 UTC: the first session. */
  startsAt: string | null;
  /** ISO-8601 UTC: the end of the first session. */
  endsAt: string | null;
  /** RFC 5545 RRULE value; null for a one-off meeting. */
  recurrence: string | null;
  /** IANA zone the sessions keep their wall-clock time in; null (the default) is UTC. */
  timeZone?: string | null | undefined;
  /** ISO-8601 UTC starts of sessions that do not take place (EXDATE, cancelled instances). */
  excludedStarts?: readonly string[] | null | undefined;
}

/** One session, as UTC milliseconds; `endMs` is null when the meeting has no end time. */
export interface Occurrence {
  startMs: number;
  endMs: number | null;
}

// ---------------------------------------------------------------- the grammar

const FREQUENCIES = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const DAY_HINT = 'a weekday such as MO, or with a week number such as 2TU or -1FR';

/** `[+-]?digits` within ±max, never 0 unless `zero`; the RFC 5545 BYxxx lists. */
function numberList(min: number, max: number, signed: boolean): (value: string) => string | null {
  return function checkList(value) {
    for (const item of value.split(',')) {
      const m = (signed ? /^[+-]?\d{1,3}$/ : /^\d{1,3}$/).exec(item);
      const n = m === null ? NaN : Math.abs(Number(item));
      if (m === null || n < min || n > max) {
        const range = signed ? `${min} to ${max} or -${max} to -${min}` : `${min} to ${max}`;
        return `${JSON.stringify(item)} is not a number from ${range}`;
      }
    }
    return null;
  };
}

const UNTIL_VALUE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/;

function checkUntil(value: string): string | null {
  const m = UNTIL_VALUE.exec(value);
  const expected = `${JSON.stringify(value)} is not a date (20261218) or UTC date and time (20261218T235959Z)`;
  if (m === null) return expected;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1).map((p) => Number(p ?? 0)) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month! - 1 || date.getUTCDate() !== day) return `${JSON.stringify(value)} is no such date`;
  if (hour > 23 || minute > 59 || second > 60) return `${JSON.stringify(value)} is no such time of day`;
  return null;
}

function checkPositive(value: string): string | null {
  return /^\d{1,9}$/.test(value) && Number(value) >= 1 ? null : `${JSON.stringify(value)} is not a whole number from 1`;
}

function checkWeekday(value: string): string | null {
  return WEEKDAYS.includes(value) ? null : `${JSON.stringify(value)} is not a weekday (${WEEKDAYS.join(', ')})`;
}

function checkByDay(value: string): string | null {
  for (const item of value.split(',')) {
    const m = /^([+-]?)(\d{1,2})?([A-Z]{2})$/.exec(item);
    if (m === null || !WEEKDAYS.includes(m[3] ?? '') || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 53)) || (m[1] !== '' && m[2] === undefined)) {
      return `${JSON.stringify(item)} is not ${DAY_HINT}`;
    }
  }
  return null;
}

const PARTS: Record<string, (value: string) => string | null> = {
  FREQ: (value) => ((FREQUENCIES as readonly string[]).includes(value) ? null : `${JSON.stringify(value)} is not one of ${FREQUENCIES.join(', ')}`),
  UNTIL: checkUntil,
  COUNT: checkPositive,
  INTERVAL: checkPositive,
  BYSECOND: numberList(0, 60, false),
  BYMINUTE: numberList(0, 59, false),
  BYHOUR: numberList(0, 23, false),
  BYDAY: checkByDay,
  BYMONTHDAY: numberList(1, 31, true),
  BYYEARDAY: numberList(1, 366, true),
  BYWEEKNO: numberList(1, 53, true),
  BYMONTH: numberList(1, 12, false),
  BYSETPOS: numberList(1, 366, true),
  WKST: checkWeekday,
};

/**
 * What is wrong with an RRULE value (RFC 5545 §3.3.10), or null when it is
 * a rule: FREQ exactly once, only the parts the RFC defines and each once,
 * values in range, not both COUNT and UNTIL, and the BY parts each frequency
 * allows. Names and values are read in any case. ical.js reads far more
 * loosely (it ignores unknown parts and many bad values), so rules are
 * checked here before they are stored.
 */
export function recurrenceProblem(rule: string): string | null {
  const text = rule.trim().replace(/^RRULE:/i, '');
  if (text === '') return 'the rule is empty';
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `${JSON.stringify(part)} is not NAME=VALUE`;
    const name = part.slice(0, eq).trim().toUpperCase();
    const value = part.slice(eq + 1).trim().toUpperCase();
    const check = PARTS[name];
    if (check === undefined) return `${JSON.stringify(part.slice(0, eq))} is not a part of a rule (${Object.keys(PARTS).join(', ')})`;
    if (parts.has(name)) return `${name} appears twice`;
    if (value === '') return `${name} has no value`;
    const problem = check(value);
    if (problem !== null) return `${name}: ${problem}`;
    parts.set(name, value);
  }
  const freq = parts.get('FREQ');
  if (freq === undefined) return 'FREQ is missing (FREQ=WEEKLY, FREQ=DAILY, …)';
  if (parts.has('COUNT') && parts.has('UNTIL')) return 'COUNT and UNTIL together; a rule ends one way';
  if (parts.has('BYWEEKNO') && freq !== 'YEARLY') return 'BYWEEKNO is only for FREQ=YEARLY';
  if (parts.has('BYYEARDAY') && ['DAILY', 'WEEKLY', 'MONTHLY'].includes(freq)) return `BYYEARDAY cannot be used with FREQ=${freq}`;
  if (parts.has('BYMONTHDAY') && freq === 'WEEKLY') return 'BYMONTHDAY cannot be used with FREQ=WEEKLY';
  const numberedDay = parts.get('BYDAY')?.split(',').some((d) => /\d/.test(d)) ?? false;
  if (numberedDay && !(freq === 'MONTHLY' || (freq === 'YEARLY' && !parts.has('BYWEEKNO')))) {
    return `BYDAY with a week number (such as 2TU) is only for FREQ=MONTHLY, or FREQ=YEARLY without BYWEEKNO`;
  }
  if (parts.has('BYSETPOS') && [...parts.keys()].every((p) => !p.startsWith('BY') || p === 'BYSETPOS')) return 'BYSETPOS needs another BY part to choose from';
  return null;
}

/**
 * Checks an RRULE value as typed or imported; returns it without a leading
 * `RRULE:` (null for an empty value).
 * @throws InputError naming the rule and what is wrong with it.
 */
export function checkRecurrence(rule: string | null | undefined): string | null {
  const text = rule?.trim().replace(/^RRULE:/i, '') ?? '';
  if (text === '') return null;
  const problem = recurrenceProblem(text);
  if (problem !== null) throw new InputError(`the recurrence ${JSON.stringify(text)} is not an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO: ${problem}`);
  return text;
}

// ---------------------------------------------------------------- expansion

/** Sessions expanded per series at most; a rule that meets more often than this since it began is "recurring, next session unknown". */
const MAX_OCCURRENCES = 20_000;
/** Sessions kept per series once `now` has moved past them. */
const KEEP_OCCURRENCES = 64;
/** Series kept expanded, least recently used dropped first. */
const MAX_SERIES = 2_000;

/**
 * The sessions of one series, expanded lazily as `now` moves on and kept
 * only around it. Wall-clock times in the meeting's zone are what ical.js
 * iterates (floating), each turned into UTC here, so DST is right.
 */
class Series {
  readonly #recur: InstanceType<typeof ICAL.Recur>;
  readonly #startWallMs: number;
  readonly #zone: string;
  /** UNTIL, checked here rather than by ical.js, which would compare it with floating times. */
  readonly #until: { ms: number; utc: boolean; date: boolean } | null;
  /** Starts (UTC ms) the rule makes that do not take place; they still count towards COUNT, as RFC 5545 has it. */
  readonly #excluded: ReadonlySet<number>;
  #iterator: InstanceType<typeof ICAL.RecurIterator>;
  /** Session starts in UTC ms, ascending; those before `#dropped` were let go. */
  #starts: number[] = [];
  #dropped = -Infinity;
  #expanded = 0;
  #done = false;

  constructor(rule: string, startMs: number, zone: string, excluded: ReadonlySet<number>) {
    const recur = ICAL.Recur.fromString(rule.toUpperCase());
    const until = /(?:^|;)UNTIL=([^;]+)/.exec(rule.toUpperCase())?.[1];
    this.#until = until === undefined ? null : untilOf(until);
    recur.until = null;
    this.#recur = recur;
    this.#zone = zone;
    this.#excluded = excluded;
    this.#startWallMs = utcToWall(zone, startMs) - (startMs % 1000);
    this.#iterator = this.#freshIterator();
  }

  #freshIterator(): InstanceType<typeof ICAL.RecurIterator> {
    const wall = new Date(this.#startWallMs);
    const start = ICAL.Time.fromData({
      year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(),
      hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds(), isDate: false,
    });
    return this.#recur.iterator(start);
  }

  /** The first session starting at or after `fromMs`; null when there is none; undefined when too many to expand. */
  startAtOrAfter(fromMs: number): number | null | undefined {
    if (fromMs <= this.#dropped) this.#restart();
    for (;;) {
      const index = firstAtOrAfter(this.#starts, fromMs);
      if (index < this.#starts.length) {
        this.#trim(index);
        return this.#starts[firstAtOrAfter(this.#starts, fromMs)]!;
      }
      if (this.#done) return null;
      if (this.#expanded >= MAX_OCCURRENCES) return undefined;
      this.#step();
    }
  }

  /** The start of the last session, when the series ends; undefined when it does not (or is too long to tell). */
  lastStart(): number | null | undefined {
    while (!this.#done) {
      if (this.#expanded >= MAX_OCCURRENCES) return undefined;
      this.#step();
      this.#trim(this.#starts.length - 1);
    }
    return this.#starts.at(-1) ?? null;
  }

  /** Whether the rule can end at all (COUNT or UNTIL). */
  get finite(): boolean {
    return this.#until !== null || this.#recur.count !== null;
  }

  #step(): void {
    const next = this.#iterator.next();
    if (next === null || next === undefined) {
      this.#done = true;
      return;
    }
    this.#expanded++;
    const wallMs = Date.UTC(next.year, next.month - 1, next.day, next.hour, next.minute, next.second);
    const startMs = wallToUtc(this.#zone, wallMs);
    if (this.#until !== null && (this.#until.utc ? startMs : this.#until.date ? wallMs - (wallMs % 86_400_000) : wallMs) > this.#until.ms) {
      this.#done = true;
      return;
    }
    if (!this.#excluded.has(startMs)) this.#starts.push(startMs);
  }

  #trim(keepFrom: number): void {
    const drop = keepFrom - KEEP_OCCURRENCES;
    if (drop <= 0) return;
    this.#dropped = this.#starts[drop - 1]!;
    this.#starts.splice(0, drop);
  }

  #restart(): void {
    this.#iterator = this.#freshIterator();
    this.#starts = [];
    this.#dropped = -Infinity;
    this.#expanded = 0;
    this.#done = false;
  }
}

function untilOf(value: string): { ms: number; utc: boolean; date: boolean } | null {
  const m = UNTIL_VALUE.exec(value);
  if (m === null) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1).map((p) => Number(p ?? 0)) as number[];
  return { ms: Date.UTC(year!, month! - 1, day!, hour, minute, second), utc: value.endsWith('Z'), date: m[4] === undefined };
}

function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

const seriesCache = new Map<string, Series | null>();

/** The expanded series of a schedule, cached by rule, start and zone; null when the rule cannot be read. */
function seriesOf(schedule: Schedule, startMs: number): Series | null {
  const rule = schedule.recurrence!.trim().replace(/^RRULE:/i, '');
  const zone = schedule.timeZone ?? 'UTC';
  const excluded = new Set((schedule.excludedStarts ?? []).map((iso) => Date.parse(iso)).filter((ms) => !Number.isNaN(ms)));
  const key = `${rule}\n${startMs}\n${zone}\n${[...excluded].sort((a, b) => a - b).join(',')}`;
  let series = seriesCache.get(key);
  if (series === undefined) {
    series = recurrenceProblem(rule) === null ? new Series(rule, startMs, zone, excluded) : null;
    if (seriesCache.size >= MAX_SERIES) seriesCache.delete(seriesCache.keys().next().value!);
  } else {
    seriesCache.delete(key);
  }
  seriesCache.set(key, series);
  return series;
}

function timeOf(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

function durationOf(schedule: Schedule): number | null {
  const start = timeOf(schedule.startsAt);
  const end = timeOf(schedule.endsAt);
  return start !== null && end !== null && end > start ? end - start : null;
}

/**
 * The session in progress at `now`, or else the next one; null when there is
 * none to come (a one-off meeting that is over, a series that has ended) or
 * the meeting has no start time. A one-off meeting without an end time is
 * in progress from its start on; a session of a series without one is
 * passed once it has begun, so the next one is shown.
 */
export function nextOccurrence(schedule: Schedule, now: Date): Occurrence | null {
  const startMs = timeOf(schedule.startsAt);
  if (startMs === null) return null;
  const duration = durationOf(schedule);
  const nowMs = now.getTime();
  if (schedule.recurrence === null || schedule.recurrence.trim() === '') {
    const endMs = timeOf(schedule.endsAt);
    return endMs !== null && endMs < nowMs ? null : { startMs, endMs };
  }
  const series = seriesOf(schedule, startMs);
  if (series === null) return null;
  const next = series.startAtOrAfter(nowMs - (duration ?? 0));
  if (next === null || next === undefined) return null;
  return { startMs: next, endMs: duration === null ? null : next + duration };
}

/**
 * Whether a recurring meeting's series is over at `now`: its UNTIL or COUNT
 * is reached and its last session has ended. False for a one-off meeting, an
 * endless rule, and a stored rule that cannot be read (so it keeps counting
 * as recurring, as it was registered).
 */
export function seriesEnded(schedule: Schedule, now: Date): boolean {
  return lastSessionEnd(schedule, now) !== null;
}

/** When the last session of an ended series ended (ISO UTC), or null while the series goes on. */
export function lastSessionEnd(schedule: Schedule, now: Date): string | null {
  if (schedule.recurrence === null || schedule.recurrence.trim() === '') return null;
  const startMs = timeOf(schedule.startsAt);
  const nowMs = now.getTime();
  if (startMs === null) {
    // Without a first session only UNTIL can say the series is over.
    const until = /(?:^|;)UNTIL=([^;]+)/i.exec(schedule.recurrence)?.[1];
    const end = until === undefined || recurrenceProblem(schedule.recurrence) !== null ? null : untilOf(until.toUpperCase());
    return end !== null && end.ms + (end.date ? 86_400_000 : 0) < nowMs ? new Date(end.ms).toISOString() : null;
  }
  const series = seriesOf(schedule, startMs);
  if (series === null || !series.finite) return null;
  const duration = durationOf(schedule) ?? 0;
  if (series.startAtOrAfter(nowMs - duration) !== null) return null;
  const last = series.lastStart();
  if (last === undefined) return null;
  return new Date((last ?? startMs) + duration).toISOString();
}

/** Whether the meeting recurs at `now`: it has a rule and its series has not ended. */
export function isRecurring(schedule: Schedule, now: Date): boolean {
  return schedule.recurrence !== null && schedule.recurrence.trim() !== '' && !seriesEnded(schedule, now);
}

/** Whether the meeting is over: a one-off meeting past its end, or a series that has ended. */
export function meetingEnded(schedule: Schedule, now: Date): boolean {
  if (schedule.recurrence !== null && schedule.recurrence.trim() !== '') return seriesEnded(schedule, now);
  const endMs = timeOf(schedule.endsAt);
  return endMs !== null && endMs < now.getTime();
}
