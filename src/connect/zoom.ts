import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ianaZoneName } from '../registry/time-zones.js';
import { BlockedError, ParseError } from '../crawl/errors.js';
import { InputError } from '../errors.js';
import { normaliseIdentifier } from '../registry/identifier-value.js';
import { canonicalMeeting } from '../registry/meeting-id.js';
import type { ApiClient } from './api-client.js';
import { CredentialError } from './credential-error.js';
import type { ConnectionCredential, MeetingBatch, Provider, ProviderContext, ProviderSession, ReportedIdentifier, Rotated, UpstreamMeeting } from './provider.js';

/**
 * Zoom through a Server-to-Server OAuth app the school's admin creates in
 * the Zoom App Marketplace (account id, client id, client secret).
 *
 * Endpoints used (Zoom API v2):
 * - `POST <oauthUrl>/oauth/token?grant_type=account_credentials&account_id=ID`, HTTP Basic
 *   `client_id:client_secret` → `{access_token, token_type, expires_in, scope, api_url}`.
 *   There is no refresh token: a new one is asked for before the last expires (an hour).
 * - `GET <apiUrl>/v2/users?status=active&page_size=300&next_page_token=…` → `{users: [{id, email, …}], next_page_token}`.
 * - `GET <apiUrl>/v2/users/{userId}/meetings?type=scheduled&page_size=300&next_page_token=…` →
 *   `{meetings: [{id, uuid, host_id, topic, type, start_time, duration, timezone, join_url}], next_page_token}`
 *   (type 2 scheduled, 3 recurring without a fixed time, 8 recurring at a fixed time).
 * - `GET <apiUrl>/v2/meetings/{meetingId}` → the meeting with `password` and `recurrence`
 *   (`{type 1 daily | 2 weekly | 3 monthly, repeat_interval, weekly_days, monthly_day,
 *   monthly_week, monthly_week_day, end_times | end_date_time}`) and `occurrences`.
 *
 * The account's vanity subdomain is read from the host of the `join_url`s
 * Zoom issues for the account's meetings (`westfield.zoom.us/j/…`): Zoom puts
 * an account's own vanity host there, and its shared hosts (`us02web`)
 * otherwise, which are not identifiers. No extra scope is needed for it.
 * The token answer's `api_url` is not followed: requests go to the
 * configured `connections.zoom.apiUrl` only.
 */

/** Granular scopes, and the classic scope that covers each for apps made before Zoom introduced them. */
const READ_SCOPES = [
  { scope: 'user:read:list_users:admin', classic: 'user:read:admin' },
  { scope: 'meeting:read:list_meetings:admin', classic: 'meeting:read:admin' },
  { scope: 'meeting:read:meeting:admin', classic: 'meeting:read:admin' },
] as const;
const WRITE_SCOPE = 'meeting:update:meeting:admin';
/** The classic scope that covers {@link WRITE_SCOPE} for apps made before granular scopes. */
const WRITE_CLASSIC = 'meeting:write:admin';
/** Zoom's error code for a passcode its account settings refuse (too short, letters where only digits may be, …). */
const PASSCODE_REFUSED = 300;

const PAGE_SIZE = 300;
/** Meeting details asked for at once; Zoom's per-second limits apply to the account however many are in flight. */
const DETAIL_CONCURRENCY = 6;
/** A walk longer than this many pages of one listing is taken for a paging loop. */
const MAX_PAGES = 1000;
/** A token is renewed this long before it expires, so no request carries one that dies on the way. */
const RENEW_BEFORE_MS = 5 * 60_000;

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
  api_url: z.string().optional(),
});
const tokenRefusal = z.object({ error: z.string().optional(), reason: z.string().optional() });
const zoomError = z.object({ code: z.number().optional(), message: z.string().optional() });
const nextPage = z.string().optional().nullable();
const usersPage = z.object({
  users: z.array(z.object({ id: z.string().min(1), email: z.string().min(1) })),
  next_page_token: nextPage,
});
const meetingId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String);
const meetingsPage = z.object({
  meetings: z.array(
    z.object({
      id: meetingId,
      type: z.number().int(),
      topic: z.string().optional(),
      start_time: z.string().optional(),
      duration: z.number().optional(),
      join_url: z.string().optional(),
    }),
  ),
  next_page_token: nextPage,
});
const recurrenceShape = z.object({
  type: z.number().int(),
  repeat_interval: z.number().int().positive().optional(),
  weekly_days: z.string().optional(),
  monthly_day: z.number().int().optional(),
  monthly_week: z.number().int().optional(),
  monthly_week_day: z.number().int().optional(),
  end_times: z.number().int().positive().optional(),
  end_date_time: z.string().optional(),
});
const meetingDetail = z.object({
  id: meetingId,
  type: z.number().int(),
  topic: z.string().optional(),
  start_time: z.string().optional(),
  duration: z.number().optional(),
  timezone: z.string().optional(),
  join_url: z.string().optional(),
  password: z.string().optional(),
  host_email: z.string().optional(),
  recurrence: recurrenceShape.optional(),
  occurrences: z.array(z.object({ start_time: z.string(), status: z.string().optional() })).optional(),
});

export type ZoomRecurrence = z.infer<typeof recurrenceShape>;

/** Zoom's weekday numbers (Sunday 1 … Saturday 7) in RFC 5545. */
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/**
 * A Zoom `recurrence` object as an RFC 5545 RRULE (`FREQ=WEEKLY;BYDAY=MO,WE`);
 * null for a shape it cannot say (an unknown type, weekdays out of range).
 */
export function zoomRecurrenceToRrule(recurrence: ZoomRecurrence): string | null {
  const parts: string[] = [];
  const day = (n: number) => WEEKDAYS[n - 1];
  switch (recurrence.type) {
    case 1:
      parts.push('FREQ=DAILY');
      break;
    case 2: {
      parts.push('FREQ=WEEKLY');
      if (recurrence.weekly_days) {
        const days = recurrence.weekly_days.split(',').map((d) => day(Number(d.trim())));
        if (days.some((d) => d === undefined)) return null;
        parts.push(`BYDAY=${days.join(',')}`);
      }
      break;
    }
    case 3:
      parts.push('FREQ=MONTHLY');
      if (recurrence.monthly_day !== undefined) {
        if (recurrence.monthly_day < 1 || recurrence.monthly_day > 31) return null;
        parts.push(`BYMONTHDAY=${recurrence.monthly_day}`);
      } else if (recurrence.monthly_week !== undefined && recurrence.monthly_week_day !== undefined) {
        const weekday = day(recurrence.monthly_week_day);
        if (!weekday || ![-1, 1, 2, 3, 4].includes(recurrence.monthly_week)) return null;
        parts.push(`BYDAY=${recurrence.monthly_week}${weekday}`);
      }
      break;
    default:
      return null;
  }
  if (recurrence.repeat_interval !== undefined && recurrence.repeat_interval > 1) parts.push(`INTERVAL=${recurrence.repeat_interval}`);
  if (recurrence.end_date_time) {
    const until = Date.parse(recurrence.end_date_time);
    if (Number.isNaN(until)) return null;
    parts.push(`UNTIL=${new Date(until).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`);
  } else if (recurrence.end_times !== undefined) {
    parts.push(`COUNT=${recurrence.end_times}`);
  }
  return parts.join(';');
}

/** Whether the granted scopes cover `scope`, granular or classic. */
function granted(scopes: readonly string[], need: (typeof READ_SCOPES)[number]): boolean {
  return scopes.includes(need.scope) || scopes.includes(need.classic);
}

class ZoomSession implements ProviderSession {
  #credential: ConnectionCredential;
  #api: ApiClient;
  #oauthUrl: string;
  #apiUrl: string;
  #now: () => number;
  #token: { value: string; renewAt: number; scopes: string[] } | null = null;
  #identifiers = new Map<string, ReportedIdentifier>();

  constructor(credential: ConnectionCredential, context: ProviderContext) {
    this.#credential = credential;
    this.#api = context.api;
    this.#oauthUrl = withoutSlash(context.urls.oauthUrl!);
    this.#apiUrl = withoutSlash(context.urls.apiUrl!);
    this.#now = context.now ?? Date.now;
  }

  async authorise(signal?: AbortSignal): Promise<{ scopes: string[] }> {
    const token = await this.#accessToken(signal);
    return { scopes: token.scopes };
  }

  /** Zoom offers no incremental listing: the account is walked whole each time, as one scope (`''`). */
  async *meetings(_cursors: ReadonlyMap<string, string>, signal?: AbortSignal): AsyncIterable<MeetingBatch> {
    this.#identifiers.clear();
    for await (const user of this.#pages('/users', { status: 'active' }, usersPage, 'users', signal)) {
      const ids: string[] = [];
      const listing = this.#pages(`/users/${encodeURIComponent(user.id)}/meetings`, { type: 'scheduled' }, meetingsPage, 'meetings', signal, { missingIsEmpty: true });
      for await (const listed of listing) if ([2, 3, 8].includes(listed.type)) ids.push(listed.id);
      // Each meeting's detail (its passcode and recurrence), a few at a time: one request's round trip
      // would otherwise bound the import, far below what Zoom's rate limits allow.
      const details = await inParallel(ids, DETAIL_CONCURRENCY, (id) => this.#get(`/meetings/${id}`, {}, meetingDetail, signal, { missingIsNull: true }));
      // Deleted between the listing and now (null): it is gone upstream.
      yield { scope: '', complete: true, meetings: details.filter((d) => d !== null).map((detail) => this.#toMeeting(user.email, detail)) };
    }
  }

  identifiers(): ReportedIdentifier[] {
    return [...this.#identifiers.values()];
  }

  /** `GET /v2/meetings/{id}`: the meeting now, its host from `host_email`; null when deleted, or of no host leakwatch can name. */
  async meeting(upstreamId: string, signal?: AbortSignal): Promise<UpstreamMeeting | null> {
    if (!/^\d{9,12}$/.test(upstreamId)) throw new InputError(`not a Zoom meeting id: ${JSON.stringify(upstreamId)}`);
    const detail = await this.#get(`/meetings/${upstreamId}`, {}, meetingDetail, signal, { missingIsNull: true });
    if (detail === null || ![2, 3, 8].includes(detail.type) || !detail.host_email) return null;
    return this.#toMeeting(detail.host_email, detail);
  }

  /**
   * `PATCH /v2/meetings/{id}` with a new random passcode and the waiting room
   * on; Zoom answers 204 and issues a new join link (its `pwd=` token follows
   * the passcode), read back with `GET /v2/meetings/{id}`. A passcode of
   * letters and digits is tried first; an account that allows digits only
   * (Zoom's code 300) gets ten digits.
   */
  async rotate(upstreamId: string, signal?: AbortSignal): Promise<Rotated> {
    if (!/^\d{9,12}$/.test(upstreamId)) throw new InputError(`not a Zoom meeting id: ${JSON.stringify(upstreamId)}`);
    const token = await this.#accessToken(signal);
    if (token.scopes.length > 0 && !token.scopes.includes(WRITE_SCOPE) && !token.scopes.includes(WRITE_CLASSIC)) {
      throw new CredentialError(`the Zoom app of account ${this.#credential.accountId} lacks the scope ${WRITE_SCOPE} rotation needs; add it to the app in the Zoom App Marketplace`);
    }
    let passcode = newPasscode('mixed');
    for (let attempt = 0; ; attempt++) {
      const response = await this.#send('PATCH', `/meetings/${upstreamId}`, { password: passcode, settings: { waiting_room: true } }, signal);
      if (response.status === 204 || response.status === 200) break;
      const error = zoomError.safeParse(safeJson(response.body)).data;
      if (response.status === 400 && error?.code === PASSCODE_REFUSED && attempt === 0) {
        passcode = newPasscode('digits');
        continue;
      }
      if (response.status === 404) throw new InputError(`Zoom has no meeting ${upstreamId} any more (deleted upstream); nothing was changed`);
      if (response.status === 403 || (response.status === 400 && [4700, 4711].includes(error?.code ?? 0))) {
        throw new CredentialError(`Zoom refused PATCH /v2/meetings/${upstreamId} (HTTP ${response.status}${describeZoomError(response.body)}): the app lacks the scope ${WRITE_SCOPE}`);
      }
      throw new BlockedError(`PATCH /v2/meetings/${upstreamId}: HTTP ${response.status}${describeZoomError(response.body)}`, response.status);
    }
    const detail = await this.#get(`/meetings/${upstreamId}`, {}, meetingDetail, signal, { missingIsNull: true });
    return {
      passcode,
      joinUrl: detail?.join_url ?? null,
      changes: ['a new passcode (so a new join link)', 'the waiting room on'],
      whereNew: `https://zoom.us/meeting/${upstreamId}`,
    };
  }

  #toMeeting(ownerEmail: string, detail: z.infer<typeof meetingDetail>): UpstreamMeeting {
    const joinUrl = detail.join_url ?? null;
    if (joinUrl) this.#noteVanity(joinUrl, detail.id);
    const fixedTime = detail.type !== 3;
    const upcoming = detail.occurrences?.find((o) => o.status !== 'deleted')?.start_time;
    const startsAt = fixedTime ? (upcoming ?? detail.start_time ?? null) : null;
    const endsAt = startsAt && detail.duration && detail.duration > 0 ? new Date(Date.parse(startsAt) + detail.duration * 60_000).toISOString() : null;
    const recurrence = fixedTime && detail.type === 8 && detail.recurrence ? zoomRecurrenceToRrule(detail.recurrence) : null;
    return {
      upstreamId: detail.id,
      platform: 'zoom',
      meetingId: joinLinkOf(joinUrl, detail.id) ?? detail.id,
      passcode: detail.password?.trim() || null,
      title: detail.topic?.trim() || null,
      ownerEmail,
      startsAt: startsAt && !Number.isNaN(Date.parse(startsAt)) ? startsAt : null,
      endsAt,
      recurrence,
      // A series keeps the wall-clock time of the host's zone across DST changes; Zoom names zones the IANA way.
      timeZone: recurrence === null || !detail.timezone ? null : ianaZoneName(detail.timezone),
      // An occurrence the host deleted keeps its place in the list, marked so: that session does not take place.
      excludedStarts: detail.type === 8 ? (detail.occurrences ?? []).filter((o) => o.status === 'deleted' && !Number.isNaN(Date.parse(o.start_time))).map((o) => o.start_time).slice(-1000) : null,
    };
  }

  /** `westfield.zoom.us/j/…` names the account's vanity subdomain; Zoom's shared hosts name nobody. */
  #noteVanity(joinUrl: string, id: string): void {
    let host: string;
    try {
      host = new URL(joinUrl).hostname.toLowerCase();
    } catch {
      return;
    }
    if (!/^[a-z0-9-]+\.(zoom\.us|zoom\.com|zoomgov\.com)$/.test(host)) return;
    try {
      const { kind, value } = normaliseIdentifier('zoom-subdomain', host);
      if (!this.#identifiers.has(value)) {
        this.#identifiers.set(value, { kind, value, evidence: `the join_url host (${host}) of meeting ${id}, GET /v2/meetings/${id}` });
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
    }
  }

  async *#pages<T extends z.ZodType<{ next_page_token?: string | null | undefined }>, K extends string>(
    path: string,
    query: Record<string, string>,
    shape: T,
    field: K,
    signal: AbortSignal | undefined,
    options: { missingIsEmpty?: boolean } = {},
  ): AsyncIterable<z.infer<T> extends Record<K, (infer I)[]> ? I : never> {
    const seen = new Set<string>();
    let token: string | undefined;
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw new ParseError(`GET /v2${path}: more than ${MAX_PAGES} pages; stopped`);
      const answer = await this.#get(path, { ...query, page_size: String(PAGE_SIZE), ...(token ? { next_page_token: token } : {}) }, shape, signal, { missingIsNull: options.missingIsEmpty });
      if (answer === null) return;
      yield* (answer as Record<K, never[]>)[field];
      const next = answer.next_page_token;
      if (!next) return;
      if (seen.has(next)) throw new ParseError(`GET /v2${path}: next_page_token repeats an earlier page; stopped`);
      seen.add(next);
      token = next;
    }
  }

  /** A write with the access token; a 401 gets one new token and one more try. Other answers are the caller's to read. */
  async #send(method: 'PATCH', path: string, body: unknown, signal: AbortSignal | undefined) {
    for (let attempt = 0; ; attempt++) {
      const token = await this.#accessToken(signal);
      const response = await this.#api.request({
        method,
        url: `${this.#apiUrl}/v2${path}`,
        headers: { authorization: `Bearer ${token.value}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      if (response.status !== 401) return response;
      if (attempt > 0) throw new CredentialError(`Zoom refused a new access token of the app (${method} /v2${path} answered 401 twice): the app was deactivated or its credentials revoked; connect the account again`);
      this.#token = null;
    }
  }

  /** One API call with the access token; a 401 gets one new token and one more try. */
  async #get<T extends z.ZodType>(path: string, query: Record<string, string>, shape: T, signal: AbortSignal | undefined, options: { missingIsNull?: boolean | undefined } = {}): Promise<z.infer<T> | null> {
    const url = `${this.#apiUrl}/v2${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      const token = await this.#accessToken(signal);
      const response = await this.#api.request({ url, headers: { authorization: `Bearer ${token.value}` }, signal });
      if (response.status === 401) {
        if (attempt === 0) {
          // Expired early or revoked: one new token tells which.
          this.#token = null;
          continue;
        }
        throw new CredentialError(`Zoom refused a new access token of the app (GET /v2${path} answered 401 twice): the app was deactivated or its credentials revoked; connect the account again`);
      }
      if (response.status === 404 && options.missingIsNull) return null;
      if (response.status === 403 || (response.status === 400 && [4700, 4711].includes(zoomError.safeParse(safeJson(response.body)).data?.code ?? 0))) {
        throw new CredentialError(`Zoom refused GET /v2${path} (HTTP ${response.status}${describeZoomError(response.body)}): the app lacks a scope; grant ${READ_SCOPES.map((s) => s.scope).join(', ')}`);
      }
      if (response.status !== 200) throw new BlockedError(`GET /v2${path}: HTTP ${response.status}${describeZoomError(response.body)}`, response.status);
      const parsed = shape.safeParse(response.json());
      if (!parsed.success) throw new ParseError(`GET /v2${path}: the answer is not the shape Zoom documents (${z.prettifyError(parsed.error).replace(/\n+/g, '; ')})`);
      return parsed.data as z.infer<T>;
    }
  }

  async #accessToken(signal: AbortSignal | undefined): Promise<{ value: string; scopes: string[] }> {
    if (this.#token && this.#now() < this.#token.renewAt) return this.#token;
    this.#token = null;
    const { accountId, clientId, secret } = this.#credential;
    const url = `${this.#oauthUrl}/oauth/token?${new URLSearchParams({ grant_type: 'account_credentials', account_id: accountId })}`;
    const response = await this.#api.request({
      method: 'POST',
      url,
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`, 'utf8').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      signal,
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      const refusal = tokenRefusal.safeParse(safeJson(response.body)).data;
      const said = [refusal?.error, refusal?.reason].filter(Boolean).join(': ');
      throw new CredentialError(
        `Zoom refused the app's credentials for account ${accountId} (HTTP ${response.status}${said ? `, ${said}` : ''}): the client secret was rotated, the app deactivated, or the account id, client id or secret is wrong; connect the account again`,
      );
    }
    if (response.status !== 200) throw new BlockedError(`POST /oauth/token: HTTP ${response.status}`, response.status);
    const parsed = tokenAnswer.safeParse(response.json());
    // Never the answer itself: it may hold the token.
    if (!parsed.success) throw new ParseError(`POST /oauth/token: the answer is not the shape Zoom documents (${parsed.error.issues.map((i) => i.path.join('.') || 'body').join(', ')})`);
    const scopes = (parsed.data.scope ?? '').split(/\s+/).filter(Boolean);
    if (parsed.data.scope !== undefined) {
      const missing = READ_SCOPES.filter((need) => !granted(scopes, need)).map((need) => need.scope);
      if (missing.length > 0) {
        throw new CredentialError(`the Zoom app of account ${accountId} lacks the scope${missing.length === 1 ? '' : 's'} ${missing.join(', ')}; add ${missing.length === 1 ? 'it' : 'them'} to the app in the Zoom App Marketplace`);
      }
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    this.#token = { value: parsed.data.access_token, scopes, renewAt: this.#now() + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 2) };
    return this.#token;
  }
}

/** `work` over `items`, at most `limit` at once, the results in the items' order; the first failure fails it all. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * A passcode no one can guess: ten characters, letters and digits (at least
 * one of each, no look-alikes), or ten digits for accounts that allow only digits.
 */
function newPasscode(kind: 'mixed' | 'digits'): string {
  const alphabet = kind === 'digits' ? '0123456789' : 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  // Bytes past the last whole multiple of the alphabet are dropped, so every character is equally likely.
  const limit = 256 - (256 % alphabet.length);
  for (;;) {
    const code = Array.from(randomBytes(32).filter((byte) => byte < limit).subarray(0, 10), (byte) => alphabet[byte % alphabet.length]).join('');
    if (code.length === 10 && (kind === 'digits' || (/\d/.test(code) && /[a-z]/i.test(code)))) return code;
  }
}

/** The join link when it names the same meeting (so its `pwd=` token is hashed too); else null. */
function joinLinkOf(joinUrl: string | null, id: string): string | null {
  if (!joinUrl) return null;
  try {
    return canonicalMeeting('zoom', joinUrl).meetingId === id ? joinUrl : null;
  } catch {
    return null;
  }
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

/** `, code 124: Invalid access token.` from a Zoom error answer, or nothing. */
function describeZoomError(body: Buffer): string {
  const error = zoomError.safeParse(safeJson(body)).data;
  if (!error || (error.code === undefined && !error.message)) return '';
  return `, ${[error.code !== undefined ? `code ${error.code}` : null, error.message?.slice(0, 200)].filter(Boolean).join(': ')}`;
}

function withoutSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export const zoomProvider: Provider = {
  name: 'zoom',
  label: 'Zoom',
  readScopes: READ_SCOPES.map((s) => s.scope),
  writeScopes: [WRITE_SCOPE],
  rotates: true,
  urls(config) {
    const zoom = config as { oauthUrl: string; apiUrl: string };
    return { oauthUrl: zoom.oauthUrl, apiUrl: zoom.apiUrl };
  },
  session: (credential, context) => new ZoomSession(credential, context),
};
