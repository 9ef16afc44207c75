import { createPrivateKey, createSign, type KeyObject, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { BlockedError, ParseError, RateLimitedError } from '../crawl/errors.js';
import { InputError } from '../errors.js';
import { excludedStartsOfLines } from '../registry/icalendar.js';
import { normaliseIdentifier } from '../registry/identifier-value.js';
import { ianaZoneName } from '../registry/time-zones.js';
import { canonicalMeeting } from '../registry/meeting-id.js';
import type { ApiClient, ApiResponse } from './api-client.js';
import { CredentialError } from './credential-error.js';
import type { ConnectionCredential, MeetingBatch, Provider, ProviderContext, ProviderSession, ReportedIdentifier, Rotated, UpstreamMeeting } from './provider.js';

/**
 * Google Workspace through a service account with domain-wide delegation:
 * the school's admin creates the service account in Google Cloud, downloads
 * its JSON key, and lists its client id with leakwatch's scopes in the Admin
 * console (Security → API controls → Domain-wide delegation). The
 * credential is the admin's email (`accountId`, the `sub` the Directory is
 * read as), the service account's email (`clientId`) and the whole key file
 * (`secret`).
 *
 * Endpoints used:
 * - `POST <tokenUrl>` form `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`,
 *   the JWT signed RS256 with the key, `{iss: client_email, sub, scope, aud: tokenUrl, iat, exp}` →
 *   `{access_token, expires_in, token_type}`. No refresh token: a new JWT before the last token expires.
 *   The key's own `token_uri` is not followed.
 * - `GET <directoryUrl>/admin/directory/v1/customer/my_customer/domains` → `{domains: [{domainName, isPrimary,
 *   verified, domainAliases: [{domainAliasName, verified}]}]}`: the verified ones are the identifiers.
 * - `GET <directoryUrl>/admin/directory/v1/users?customer=my_customer&query=isSuspended=false&maxResults=500&pageToken=…`
 *   → `{users: [{id, primaryEmail, suspended}], nextPageToken}`.
 * - `GET <calendarUrl>/calendar/v3/calendars/{email}/events?singleEvents=false&showDeleted=true&maxResults=250`
 *   with `timeMin` (a full walk) or `syncToken` (the changes since) and `pageToken` → `{items, nextPageToken,
 *   nextSyncToken}`; 410 when the sync token is no longer valid. Calendar is read as each user (a token
 *   with that user as `sub`): delegation reaches a user's calendar only as the user.
 * - `PATCH <calendarUrl>/calendar/v3/calendars/{email}/events/{id}?conferenceDataVersion=1&sendUpdates=all`
 *   with a `conferenceData.createRequest`: a new Meet conference for a leaked meeting.
 */

const USERS_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.readonly';
const DOMAINS_SCOPE = 'https://www.googleapis.com/auth/admin.directory.domain.readonly';
const CALENDAR_READ_SCOPE = 'https://www.googleapis.com/auth/calendar.events.readonly';
const CALENDAR_WRITE_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
const READ_SCOPES = [USERS_SCOPE, DOMAINS_SCOPE, CALENDAR_READ_SCOPE] as const;
const DELEGATION_PAGE = 'in the Admin console → Security → API controls → Domain-wide delegation';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const USERS_PAGE_SIZE = 500;
const EVENTS_PAGE_SIZE = 250;
/** A first walk of a calendar reads events that end after this many days ago; older ones cannot leak a class still held. */
const FULL_WALK_DAYS = 30;
/** Calendars read at once: one request's round trip would otherwise bound the import of a school of thousands. */
const USER_CONCURRENCY = 4;
/** A walk longer than this many pages of one listing is taken for a paging loop. */
const MAX_PAGES = 1000;
/** A token is renewed this long before it expires, so no request carries one that dies on the way. */
const RENEW_BEFORE_MS = 5 * 60_000;
/** Google's JWT bearer grant accepts assertions of at most an hour. */
const ASSERTION_LIFETIME_SECS = 3600;
/** A Meet conference Google is still creating is read again this many times, this far apart, before rotation gives up waiting. */
const CONFERENCE_POLLS = 5;
const CONFERENCE_POLL_MS = 400;
/** Google's 403 rate limits carry no Retry-After; a minute is what its documentation suggests backing off to. */
const RATE_LIMIT_WAIT_MS = 60_000;
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

const serviceAccountKey = z.object({
  type: z.literal('service_account'),
  private_key_id: z.string().min(1),
  private_key: z.string().includes('PRIVATE KEY'),
  client_email: z.string().min(1),
  client_id: z.string().min(1),
});
type ServiceAccountKey = z.infer<typeof serviceAccountKey>;

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
});
const tokenRefusal = z.object({ error: z.string().optional(), error_description: z.string().optional() });
const googleError = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional() })).optional(),
  }),
});

const domainsAnswer = z.object({
  domains: z
    .array(
      z.object({
        domainName: z.string().min(1),
        isPrimary: z.boolean().optional(),
        verified: z.boolean().optional(),
        domainAliases: z.array(z.object({ domainAliasName: z.string().min(1), parentDomainName: z.string().optional(), verified: z.boolean().optional() })).optional(),
      }),
    )
    .default([]),
});
const usersPage = z.object({
  // Google leaves `users` out of a page that has none.
  users: z.array(z.object({ id: z.string().min(1), primaryEmail: z.string().min(1), suspended: z.boolean().optional() })).default([]),
  nextPageToken: z.string().optional(),
});
const eventTime = z.object({ dateTime: z.string().optional(), date: z.string().optional(), timeZone: z.string().optional() });
/** What leakwatch reads of an event; a cancelled one in a list of changes may carry only its id and status. */
const calendarEvent = z.object({
  id: z.string().min(1),
  status: z.string().optional(),
  summary: z.string().optional(),
  start: eventTime.optional(),
  end: eventTime.optional(),
  recurrence: z.array(z.string()).optional(),
  recurringEventId: z.string().optional(),
  organizer: z.object({ email: z.string().optional(), self: z.boolean().optional() }).optional(),
  hangoutLink: z.string().optional(),
  conferenceData: z
    .object({
      conferenceId: z.string().optional(),
      conferenceSolution: z.object({ key: z.object({ type: z.string() }) }).optional(),
      // Only the video entry point's link is kept: a phone entry point's `pin` is a dial-in code, never read.
      entryPoints: z.array(z.object({ entryPointType: z.string(), uri: z.string().optional() })).optional(),
      createRequest: z.object({ status: z.object({ statusCode: z.string() }).optional() }).optional(),
    })
    .optional(),
});
type CalendarEvent = z.infer<typeof calendarEvent>;
const eventsPage = z.object({
  items: z.array(calendarEvent).default([]),
  timeZone: z.string().optional(),
  nextPageToken: z.string().optional(),
  nextSyncToken: z.string().optional(),
});

/** A user of the Workspace whose calendar is walked. */
interface WorkspaceUser {
  id: string;
  primaryEmail: string;
}

interface AccessToken {
  value: string;
  renewAt: number;
  scopes: string[];
}

/** A 404 the caller said it expects (a user without Calendar, an event deleted). */
const MISSING = Symbol('missing');
/** A 410 the caller said it expects (a sync token Google no longer honours). */
const GONE = Symbol('gone');

class GoogleSession implements ProviderSession {
  #credential: ConnectionCredential;
  #api: ApiClient;
  #tokenUrl: string;
  #directoryUrl: string;
  #calendarUrl: string;
  #now: () => number;
  #key: { parsed: ServiceAccountKey; signing: KeyObject } | null = null;
  /** By `sub` and scopes: the admin's for the Directory, each user's for their calendar. */
  #tokens = new Map<string, AccessToken>();
  #pending = new Map<string, Promise<AccessToken>>();
  #identifiers = new Map<string, ReportedIdentifier>();

  constructor(credential: ConnectionCredential, context: ProviderContext) {
    this.#credential = credential;
    this.#api = context.api;
    this.#tokenUrl = context.urls.tokenUrl!;
    this.#directoryUrl = withoutSlash(context.urls.directoryUrl!);
    this.#calendarUrl = withoutSlash(context.urls.calendarUrl!);
    this.#now = context.now ?? Date.now;
  }

  /**
   * A token as the admin for every read scope, so that delegation missing
   * for any of them (Calendar's too) is refused now, not halfway through
   * the first walk. Google does not list the scopes a delegated token holds:
   * those asked for are reported.
   */
  async authorise(signal?: AbortSignal): Promise<{ scopes: string[] }> {
    const token = await this.#accessToken(this.#admin, READ_SCOPES, signal);
    return { scopes: token.scopes };
  }

  /** The Workspace's domains, then each user's calendar: one scope per user (their id), resumed from its sync token. */
  async *meetings(cursors: ReadonlyMap<string, string>, signal?: AbortSignal): AsyncIterable<MeetingBatch> {
    this.#identifiers.clear();
    await this.#readDomains(signal);
    const seen = new Set<string>();
    for await (const users of this.#userPages(signal)) {
      const fresh = users.filter((user) => !seen.has(user.id) && user.suspended !== true);
      for (const user of fresh) seen.add(user.id);
      const walks = await inParallel(fresh, USER_CONCURRENCY, (user) => this.#walkCalendar(user, cursors.get(user.id), signal));
      for (const batches of walks) yield* batches;
    }
  }

  identifiers(): ReportedIdentifier[] {
    return [...this.#identifiers.values()];
  }

  /**
   * A new Meet conference for the event (a new code, so the posted link no
   * longer names it), and the guests sent the updated invitation. The write
   * scope is asked for here only, in a token of its own as the organiser:
   * a session does not know whether the admin opted in, and rotation is
   * offered only when they did.
   */
  async rotate(upstreamId: string, signal?: AbortSignal): Promise<Rotated> {
    const { calendarId, eventId } = parseUpstreamId(upstreamId);
    const path = `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events/${encodeURIComponent(eventId)}`;
    const url = `${this.#calendarUrl}${path}`;
    const label = `GET /calendar/v3/calendars/${calendarId}/events/${eventId}`;
    const gone = () => new InputError(`Google Calendar has no event ${eventId} of ${calendarId} any more (deleted upstream); nothing was changed`);
    const before = await this.#read(label, url, calendarId, [CALENDAR_WRITE_SCOPE], calendarEvent, signal, { missing: true, gone: true });
    if (before === MISSING || before === GONE || before.status === 'cancelled') throw gone();
    const oldCode = meetCodeOf(before);
    if (oldCode === null) throw new InputError(`the event ${eventId} of ${calendarId} has no Google Meet link any more; nothing was changed`);

    const body = { conferenceData: { createRequest: { requestId: randomUUID(), conferenceSolutionKey: { type: 'hangoutsMeet' } } } };
    const patchLabel = `PATCH /calendar/v3/calendars/${calendarId}/events/${eventId}`;
    const response = await this.#send('PATCH', `${url}?${new URLSearchParams({ conferenceDataVersion: '1', sendUpdates: 'all' })}`, calendarId, [CALENDAR_WRITE_SCOPE], signal, JSON.stringify(body));
    if (response.status === 404 || response.status === 410) throw gone();
    if (response.status === 403) this.#refused(patchLabel, response, calendarId, [CALENDAR_WRITE_SCOPE]);
    if (response.status !== 200) throw new BlockedError(`${patchLabel}: HTTP ${response.status}${describeGoogleError(response.body)}`, response.status);
    let after = parseAnswer(patchLabel, response, calendarEvent);
    for (let poll = 0; conferenceStatus(after) === 'pending' && poll < CONFERENCE_POLLS; poll++) {
      await sleep(CONFERENCE_POLL_MS, undefined, { signal });
      const again = await this.#read(label, url, calendarId, [CALENDAR_WRITE_SCOPE], calendarEvent, signal, { missing: true, gone: true });
      if (again === MISSING || again === GONE) throw new InputError(`the event ${eventId} of ${calendarId} was deleted while Google created its new Meet conference`);
      after = again;
    }
    const status = conferenceStatus(after);
    if (status === 'failure') throw new BlockedError(`${patchLabel}: Google could not create a new Meet conference for the event (createRequest status failure); the event keeps its link`, null);
    const newCode = status === 'pending' ? null : meetCodeOf(after);
    if (newCode === oldCode) throw new BlockedError(`${patchLabel}: Google answered, but the event keeps its Meet link; nothing else was changed`, null);
    return {
      passcode: null,
      // Still being created after the polls: the next sync registers the new link.
      joinUrl: newCode === null ? null : `https://meet.google.com/${newCode}`,
      changes: ['a new Google Meet link for the event', 'guests sent the updated invitation'],
      whereNew: 'the event in Google Calendar (guests got the updated invitation)',
      oldLink: 'Google may keep the old Meet code working for a while; it is no longer on the event, so remove it from anything you posted.',
    };
  }

  get #admin(): string {
    return this.#credential.accountId.trim();
  }

  async #readDomains(signal: AbortSignal | undefined): Promise<void> {
    const path = '/admin/directory/v1/customer/my_customer/domains';
    const answer = await this.#read(`GET ${path}`, `${this.#directoryUrl}${path}`, this.#admin, READ_SCOPES, domainsAnswer, signal);
    const evidence = (what: string) => `${what} of the Google Workspace (GET ${path} as ${this.#admin})`;
    for (const domain of answer.domains) {
      if (domain.verified === true) this.#noteDomain(domain.domainName, evidence(domain.isPrimary ? 'the verified primary domain' : 'a verified domain'));
      for (const alias of domain.domainAliases ?? []) {
        if (alias.verified === true) this.#noteDomain(alias.domainAliasName, evidence(`a verified alias of ${domain.domainName}`));
      }
    }
  }

  #noteDomain(name: string, evidence: string): void {
    try {
      const { kind, value } = normaliseIdentifier('email-domain', name);
      if (!this.#identifiers.has(value)) this.#identifiers.set(value, { kind, value, evidence });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
    }
  }

  async *#userPages(signal: AbortSignal | undefined): AsyncIterable<z.infer<typeof usersPage>['users']> {
    const path = '/admin/directory/v1/users';
    const query = { customer: 'my_customer', query: 'isSuspended=false', maxResults: String(USERS_PAGE_SIZE) };
    const pages = this.#pages(`GET ${path}`, (pageToken) => `${this.#directoryUrl}${path}?${new URLSearchParams({ ...query, ...(pageToken ? { pageToken } : {}) })}`, this.#admin, READ_SCOPES, usersPage, signal);
    for await (const page of pages) {
      if (page === MISSING || page === GONE) return;
      yield page.users;
    }
  }

  /**
   * One user's calendar as batches of their scope: the changes since
   * `cursor`, or the whole calendar when there is none or Google refuses it
   * (410). Read whole before any is yielded, so a refused cursor found on a
   * later page leaves nothing half-applied. `[]` when the user has no
   * Calendar (their meetings are then removed, as the scope is not named).
   */
  async #walkCalendar(user: WorkspaceUser, cursor: string | undefined, signal: AbortSignal | undefined): Promise<MeetingBatch[]> {
    const email = user.primaryEmail.trim();
    const path = `/calendar/v3/calendars/${encodeURIComponent(email)}/events`;
    const label = `GET /calendar/v3/calendars/${email}/events`;
    // The admin's token holds Calendar's read scope too: their own calendar needs no second token.
    const scopes = email.toLowerCase() === this.#admin.toLowerCase() ? READ_SCOPES : [CALENDAR_READ_SCOPE];
    let syncToken = cursor;
    for (let restart = 0; ; restart++) {
      const complete = syncToken === undefined;
      const base: Record<string, string> = { maxResults: String(EVENTS_PAGE_SIZE), singleEvents: 'false', showDeleted: 'true' };
      // Google refuses timeMin with a sync token; a token from a walk with timeMin carries on from it.
      if (syncToken !== undefined) base.syncToken = syncToken;
      else base.timeMin = new Date(this.#now() - FULL_WALK_DAYS * 86_400_000).toISOString();
      const batches: MeetingBatch[] = [];
      let refused = false;
      const pages = this.#pages(label, (pageToken) => `${this.#calendarUrl}${path}?${new URLSearchParams({ ...base, ...(pageToken ? { pageToken } : {}) })}`, email, scopes, eventsPage, signal, { missing: true, gone: true });
      for await (const page of pages) {
        if (page === MISSING) return [];
        if (page === GONE) {
          refused = true;
          break;
        }
        const meetings: UpstreamMeeting[] = [];
        const removed: string[] = [];
        for (const event of page.items) {
          const meeting = toMeeting(email, event, page.timeZone);
          if (meeting) meetings.push(meeting);
          // A change that leaves no meeting (cancelled, its Meet removed, organised by someone else now) removes the one stored.
          else if (!complete) removed.push(upstreamIdOf(email, event.id));
        }
        batches.push({ scope: user.id, complete, meetings, ...(complete ? {} : { removed }), ...(page.nextSyncToken ? { cursor: page.nextSyncToken } : {}) });
      }
      if (!refused) return batches;
      if (complete || restart > 0) throw new BlockedError(`${label}: HTTP 410 for a full listing; stopped`, 410);
      syncToken = undefined;
    }
  }

  /** The pages of a listing, following `nextPageToken`; a page token that comes back is a loop. */
  async *#pages<T extends z.ZodType<{ nextPageToken?: string | undefined }>>(
    label: string,
    url: (pageToken: string | undefined) => string,
    sub: string,
    scopes: readonly string[],
    shape: T,
    signal: AbortSignal | undefined,
    expect: { missing?: boolean; gone?: boolean } = {},
  ): AsyncIterable<z.infer<T> | typeof MISSING | typeof GONE> {
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw new ParseError(`${label}: more than ${MAX_PAGES} pages; stopped`);
      const answer = await this.#read(label, url(pageToken), sub, scopes, shape, signal, expect);
      yield answer;
      if (answer === MISSING || answer === GONE) return;
      const next = (answer as { nextPageToken?: string }).nextPageToken;
      if (!next) return;
      if (seen.has(next)) throw new ParseError(`${label}: nextPageToken repeats an earlier page; stopped`);
      seen.add(next);
      pageToken = next;
    }
  }

  /** One read as `sub`, its answer checked against `shape`; errors name `label` (no query: page and sync tokens stay out). */
  #read<T extends z.ZodType>(label: string, url: string, sub: string, scopes: readonly string[], shape: T, signal: AbortSignal | undefined): Promise<z.infer<T>>;
  #read<T extends z.ZodType>(
    label: string,
    url: string,
    sub: string,
    scopes: readonly string[],
    shape: T,
    signal: AbortSignal | undefined,
    expect: { missing?: boolean; gone?: boolean },
  ): Promise<z.infer<T> | typeof MISSING | typeof GONE>;
  async #read<T extends z.ZodType>(
    label: string,
    url: string,
    sub: string,
    scopes: readonly string[],
    shape: T,
    signal: AbortSignal | undefined,
    expect: { missing?: boolean; gone?: boolean } = {},
  ): Promise<z.infer<T> | typeof MISSING | typeof GONE> {
    const response = await this.#send('GET', url, sub, scopes, signal);
    if (response.status === 404 && expect.missing) return MISSING;
    if (response.status === 410 && expect.gone) return GONE;
    if (response.status === 403) this.#refused(label, response, sub, scopes);
    if (response.status !== 200) throw new BlockedError(`${label}: HTTP ${response.status}${describeGoogleError(response.body)}`, response.status);
    return parseAnswer(label, response, shape);
  }

  /** A request with `sub`'s token; a 401 gets one new token and one more try. Other answers are the caller's to read. */
  async #send(method: 'GET' | 'PATCH', url: string, sub: string, scopes: readonly string[], signal: AbortSignal | undefined, body?: string): Promise<ApiResponse> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.#accessToken(sub, scopes, signal);
      const response = await this.#api.request({
        method,
        url,
        headers: { authorization: `Bearer ${token.value}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body }),
        signal,
      });
      if (response.status !== 401) return response;
      if (attempt > 0) {
        throw new CredentialError(
          `Google refused a new access token of service account ${this.#credential.clientId} acting as ${sub} (${method} ${new URL(url).pathname} answered 401 twice): the key was deleted or the delegation withdrawn; connect the account again`,
        );
      }
      // Expired early or revoked: one new token tells which.
      this.#forget(sub, scopes, token);
    }
  }

  /** A 403: Google's rate limits say so in their reason; anything else is access leakwatch was not given. */
  #refused(label: string, response: ApiResponse, sub: string, scopes: readonly string[]): never {
    const error = googleError.safeParse(safeJson(response.body)).data?.error;
    const reasons = (error?.errors ?? []).map((e) => e.reason).filter((r): r is string => Boolean(r));
    const said = describeGoogleError(response.body);
    if (reasons.some((reason) => RATE_LIMIT_REASONS.has(reason))) {
      const at = new Date(this.#now() + RATE_LIMIT_WAIT_MS);
      throw new RateLimitedError(`${label} answered 403${said} (rate limited); try again after ${at.toISOString()}`, at);
    }
    if (reasons.includes('accessNotConfigured') || error?.status === 'SERVICE_DISABLED') {
      const api = label.includes('/calendar/') ? 'Google Calendar API' : 'Admin SDK API';
      throw new CredentialError(`Google refused ${label} (HTTP 403${said}): enable the ${api} in the service account's Google Cloud project (APIs & Services → Library)`);
    }
    if (label.includes('/admin/directory/')) {
      throw new CredentialError(
        `Google refused ${label} as ${sub} (HTTP 403${said}): the Workspace admin field must be the email of an admin allowed to read users and domains, and ${DELEGATION_PAGE} must list client id ${this.#clientIdOfKey()} with the scopes ${READ_SCOPES.join(',')}`,
      );
    }
    throw new CredentialError(`Google refused ${label} as ${sub} (HTTP 403${said}): ${DELEGATION_PAGE}, give client id ${this.#clientIdOfKey()} the scopes ${delegationScopes(scopes).join(',')}`);
  }

  #clientIdOfKey(): string {
    return this.#key?.parsed.client_id ?? this.#credential.clientId;
  }

  #forget(sub: string, scopes: readonly string[], token: AccessToken): void {
    const key = tokenKey(sub, scopes);
    // Another calendar's walk may have renewed it already.
    if (this.#tokens.get(key) === token) this.#tokens.delete(key);
  }

  async #accessToken(sub: string, scopes: readonly string[], signal: AbortSignal | undefined): Promise<AccessToken> {
    const key = tokenKey(sub, scopes);
    const kept = this.#tokens.get(key);
    if (kept && this.#now() < kept.renewAt) return kept;
    const pending = this.#pending.get(key);
    if (pending) return pending;
    const asked = this.#newToken(sub, scopes, signal).finally(() => this.#pending.delete(key));
    this.#pending.set(key, asked);
    const token = await asked;
    for (const [other, held] of this.#tokens) if (this.#now() >= held.renewAt) this.#tokens.delete(other);
    this.#tokens.set(key, token);
    return token;
  }

  async #newToken(sub: string, scopes: readonly string[], signal: AbortSignal | undefined): Promise<AccessToken> {
    const { parsed, signing } = this.#serviceAccount();
    const iat = Math.floor(this.#now() / 1000);
    const header = base64url({ alg: 'RS256', typ: 'JWT', kid: parsed.private_key_id });
    const claims = base64url({ iss: parsed.client_email, sub, scope: scopes.join(' '), aud: this.#tokenUrl, iat, exp: iat + ASSERTION_LIFETIME_SECS });
    const signer = createSign('RSA-SHA256');
    signer.update(`${header}.${claims}`);
    const assertion = `${header}.${claims}.${signer.sign(signing).toString('base64url')}`;
    const response = await this.#api.request({
      method: 'POST',
      url: this.#tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString(),
      signal,
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) this.#tokenRefused(response, parsed, sub, scopes);
    if (response.status !== 200) throw new BlockedError(`POST ${new URL(this.#tokenUrl).pathname}: HTTP ${response.status}`, response.status);
    const answer = tokenAnswer.safeParse(response.json());
    // Never the answer itself: it may hold the token.
    if (!answer.success) throw new ParseError(`POST ${new URL(this.#tokenUrl).pathname}: the answer is not the shape Google documents (${answer.error.issues.map((i) => i.path.join('.') || 'body').join(', ')})`);
    let granted = [...scopes];
    if (answer.data.scope !== undefined) {
      granted = answer.data.scope.split(/\s+/).filter(Boolean);
      const missing = scopes.filter((scope) => !granted.includes(scope));
      if (missing.length > 0) throw new CredentialError(`Google gave service account ${parsed.client_email} a token as ${sub} without ${missing.join(', ')}; ${DELEGATION_PAGE}, give client id ${parsed.client_id} the scopes ${delegationScopes(scopes).join(',')}`);
    }
    const lifetimeMs = answer.data.expires_in * 1000;
    return { value: answer.data.access_token, scopes: granted, renewAt: this.#now() + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 2) };
  }

  /** The token endpoint's refusal, as what the school's admin should do about it. */
  #tokenRefused(response: ApiResponse, key: ServiceAccountKey, sub: string, scopes: readonly string[]): never {
    const refusal = tokenRefusal.safeParse(safeJson(response.body)).data;
    const error = refusal?.error ?? '';
    const description = refusal?.error_description?.slice(0, 200) ?? '';
    const said = `HTTP ${response.status}${error ? `, ${error}` : ''}${description ? `: ${description}` : ''}`;
    const refused = `Google refused service account ${key.client_email} a token as ${sub} (${said})`;
    if (error === 'unauthorized_client') {
      throw new CredentialError(`${refused}: domain-wide delegation does not cover the scopes leakwatch asks for; ${DELEGATION_PAGE}, add client id ${key.client_id} with the scopes ${delegationScopes(scopes).join(',')}`);
    }
    if (error === 'invalid_grant' && /signature/i.test(description)) {
      throw new CredentialError(`${refused}: the key ${key.private_key_id} was deleted or disabled in Google Cloud; create a new JSON key for the service account and connect the account again`);
    }
    if (error === 'invalid_grant' && /email|user id/i.test(description)) {
      if (sub.toLowerCase() === this.#admin.toLowerCase()) throw new CredentialError(`${refused}: ${sub} is not a user of the Workspace; the Workspace admin field must be the email of one of its admins`);
      // A user the Directory listed a moment ago: deleted during the walk, which the next walk no longer lists.
      throw new BlockedError(`${refused}: ${sub} is no longer a user Google knows; the next sync leaves them out`, response.status);
    }
    if (error === 'invalid_grant' && /\b(iat|exp)\b|timeframe/i.test(description)) {
      // The assertion's times are this host's clock: nothing the school's admin can mend.
      throw new BlockedError(`${refused}: this host's clock is off; set it right (NTP)`, response.status);
    }
    if (error === 'invalid_client' || error === 'disabled_client') {
      throw new CredentialError(`${refused}: the service account was deleted or disabled in Google Cloud; connect the account again with a working one`);
    }
    throw new CredentialError(`${refused}: check the service account, its key and its domain-wide delegation, and connect the account again`);
  }

  /** The key file, read once: a {@link CredentialError} naming what is wrong with it, never its content. */
  #serviceAccount(): { parsed: ServiceAccountKey; signing: KeyObject } {
    if (this.#key) return this.#key;
    let json: unknown;
    try {
      json = JSON.parse(this.#credential.secret);
    } catch {
      throw new CredentialError('the service account key (the secret) is not JSON: give the whole key file Google Cloud downloaded (IAM & Admin → Service accounts → Keys → Add key → JSON)');
    }
    const parsed = serviceAccountKey.safeParse(json);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'the file'))].join(', ');
      throw new CredentialError(`the service account key (the secret) is not a service account's JSON key: ${fields} missing or wrong; give the whole key file Google Cloud downloaded`);
    }
    if (parsed.data.client_email.trim().toLowerCase() !== this.#credential.clientId.trim().toLowerCase()) {
      throw new CredentialError(`the service account key is of ${parsed.data.client_email}, not of ${this.#credential.clientId} (the service account email field); give the key of that service account, or its email`);
    }
    let signing: KeyObject;
    try {
      signing = createPrivateKey({ key: parsed.data.private_key, format: 'pem' });
    } catch {
      throw new CredentialError('the private_key of the service account key is not a PEM private key; give the key file as Google Cloud downloaded it');
    }
    this.#key = { parsed: parsed.data, signing };
    return this.#key;
  }
}

/**
 * An event as a meeting, or null for one that is none: cancelled, without a
 * Meet conference, an attendee's copy (its organiser imports it), or an
 * exception of a series. Exceptions come as events of their own with
 * `recurringEventId` (`singleEvents=false`); the series' master carries the
 * meeting. An exception given a Meet link of its own is skipped too.
 */
function toMeeting(email: string, event: CalendarEvent, calendarTimeZone: string | undefined): UpstreamMeeting | null {
  if (event.status === 'cancelled' || event.recurringEventId) return null;
  const organiser = event.organizer?.self === true || event.organizer?.email?.toLowerCase() === email.toLowerCase();
  if (!organiser) return null;
  const code = meetCodeOf(event);
  if (code === null) return null;
  const rule = event.recurrence?.find((line) => /^RRULE:/i.test(line))?.replace(/^RRULE:/i, '') ?? null;
  const startsAt = event.start?.dateTime ?? event.start?.date ?? null;
  const timeZone = rule === null ? null : (event.start?.timeZone ?? calendarTimeZone ?? null);
  return {
    upstreamId: upstreamIdOf(email, event.id),
    platform: 'google-meet',
    meetingId: code,
    // Meet has no passcode; a phone entry point's PIN only dials in, and is not kept.
    passcode: null,
    title: event.summary?.trim() || null,
    ownerEmail: email,
    startsAt,
    endsAt: event.end?.dateTime ?? event.end?.date ?? null,
    recurrence: rule,
    timeZone,
    // EXDATE lines of the series; an instance cancelled on its own arrives as an exception and is not followed.
    excludedStarts: rule === null || startsAt === null ? null : excludedStartsOfLines(event.recurrence ?? [], startsAt, timeZone === null ? null : ianaZoneName(timeZone)).slice(-1000),
  };
}

/** The Meet code (`abc-defg-hij`) of an event's Meet conference; null when it has none (no conference, or another solution's). */
function meetCodeOf(event: CalendarEvent): string | null {
  const conference = event.conferenceData;
  if (conference?.conferenceSolution && conference.conferenceSolution.key.type !== 'hangoutsMeet') return null;
  const video = conference?.entryPoints?.find((e) => e.entryPointType === 'video')?.uri;
  for (const candidate of [conference?.conferenceId, video, event.hangoutLink]) {
    if (!candidate) continue;
    try {
      return canonicalMeeting('google-meet', candidate).meetingId;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
    }
  }
  return null;
}

function conferenceStatus(event: CalendarEvent): string | undefined {
  return event.conferenceData?.createRequest?.status?.statusCode;
}

/** `ann@westfield.edu/4f1c…`: the calendar (the organiser's) the event is in, so rotation can find it. */
function upstreamIdOf(email: string, eventId: string): string {
  return `${email.toLowerCase()}/${eventId}`;
}

function parseUpstreamId(upstreamId: string): { calendarId: string; eventId: string } {
  const match = /^([^/\s]+@[^/\s]+)\/([A-Za-z0-9_]+)$/.exec(upstreamId);
  if (!match) throw new InputError(`not a Google Calendar event as leakwatch names them (the organiser's email/the event id): ${JSON.stringify(upstreamId)}`);
  return { calendarId: match[1]!, eventId: match[2]! };
}

/** What the delegation entry must list for a token of `scopes`: every read scope, and the write scope when it is asked for. */
function delegationScopes(scopes: readonly string[]): string[] {
  return scopes.includes(CALENDAR_WRITE_SCOPE) ? [...READ_SCOPES, CALENDAR_WRITE_SCOPE] : [...READ_SCOPES];
}

function tokenKey(sub: string, scopes: readonly string[]): string {
  return `${sub.toLowerCase()} ${scopes.join(' ')}`;
}

function parseAnswer<T extends z.ZodType>(label: string, response: ApiResponse, shape: T): z.infer<T> {
  const parsed = shape.safeParse(response.json());
  if (!parsed.success) throw new ParseError(`${label}: the answer is not the shape Google documents (${z.prettifyError(parsed.error).replace(/\n+/g, '; ')})`);
  return parsed.data as z.infer<T>;
}

/** `work` over `items`, at most `limit` at once, the results in the items' order; the first failure fails it all and starts no more. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await work(items[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

/** `, insufficientPermissions: Request had insufficient authentication scopes.` from a Google error answer, or nothing. */
function describeGoogleError(body: Buffer): string {
  const error = googleError.safeParse(safeJson(body)).data?.error;
  if (!error) return '';
  const reason = error.errors?.find((e) => e.reason)?.reason ?? error.status;
  const parts = [reason, error.message?.slice(0, 200)].filter(Boolean);
  return parts.length ? `, ${parts.join(': ')}` : '';
}

function withoutSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export const googleProvider: Provider = {
  name: 'google',
  label: 'Google Workspace',
  readScopes: READ_SCOPES,
  writeScopes: [CALENDAR_WRITE_SCOPE],
  rotates: true,
  // The secret is the whole JSON key file Google Cloud downloads, not one line.
  secretIsFile: true,
  urls(config) {
    const google = config as { tokenUrl: string; directoryUrl: string; calendarUrl: string };
    return { tokenUrl: google.tokenUrl, directoryUrl: google.directoryUrl, calendarUrl: google.calendarUrl };
  },
  session: (credential, context) => new GoogleSession(credential, context),
};
