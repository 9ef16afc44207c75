import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../../src/connect/api-client.js';
import { ConnectionSessions } from '../../src/connect/sync.js';

export const SCOPES = {
  users: 'https://www.googleapis.com/auth/admin.directory.user.readonly',
  domains: 'https://www.googleapis.com/auth/admin.directory.domain.readonly',
  calendarRead: 'https://www.googleapis.com/auth/calendar.events.readonly',
  calendarWrite: 'https://www.googleapis.com/auth/calendar.events',
} as const;
export const READ_SCOPES = [SCOPES.users, SCOPES.domains, SCOPES.calendarRead];

/** An event as Calendar's `events.list` answers it (`singleEvents=false`). */
export interface GoogleEvent {
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  summary?: string;
  start?: { dateTime?: string; date?: string; timeZone?: string };
  end?: { dateTime?: string; date?: string; timeZone?: string };
  recurrence?: string[];
  recurringEventId?: string;
  organizer?: { email: string; self?: boolean };
  creator?: { email: string; self?: boolean };
  hangoutLink?: string;
  conferenceData?: Record<string, unknown>;
  updated?: string;
}

export interface GoogleUser {
  id: string;
  primaryEmail: string;
  suspended: boolean;
  isAdmin: boolean;
}

export interface GoogleDomain {
  domainName: string;
  isPrimary: boolean;
  verified: boolean;
  domainAliases?: { domainAliasName: string; parentDomainName: string; verified: boolean }[];
}

/** A canned answer for the next request to a path. */
export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** The claims of a JWT the token endpoint accepted or refused. */
export interface Assertion {
  header: { alg?: string; kid?: string; typ?: string };
  claims: { iss?: string; sub?: string; scope?: string; aud?: string; iat?: number; exp?: number };
}

export interface GoogleServer {
  url: string;
  tokenUrl: string;
  serviceAccount: { clientEmail: string; clientId: string; privateKeyId: string; privateKeyPem: string; keyFile: string };
  admin: string;
  domains: GoogleDomain[];
  users: GoogleUser[];
  /** Calendars by their user's primary email. */
  calendars: Map<string, GoogleEvent[]>;
  /** Users whose Calendar service is off: their calendar answers 404. */
  noCalendar: Set<string>;
  /** The scopes the Workspace's domain-wide delegation lists for the service account's client id. */
  delegated: Set<string>;
  /** Every request, with the sub of the token it carried (when a valid one). */
  requests: { method: string; path: string; query: URLSearchParams; authorization: string | undefined; body: string; sub?: string }[];
  /** The JWT of every token request whose signature verified. */
  assertions: Assertion[];
  /** Every access token issued. */
  issued: { value: string; sub: string; scopes: string[] }[];
  /** Lifetime of new tokens, in seconds. Default 3599. */
  expiresIn: number;
  /** The clock assertions' iat and exp are checked against; the tests' sessions share it. Default 2026-12-04T08:00:00Z, still. */
  now: () => number;
  /** The key was deleted in Google Cloud: its assertions fail as a bad signature. */
  revoked: boolean;
  /** Items per page, whatever `maxResults` asked. */
  pageSize: number;
  /** GETs of a rotated event that still answer `pending` before the new conference is there. */
  pendingPolls: number;
  /** PATCH bodies, by event id. */
  patches: { calendar: string; eventId: string; query: URLSearchParams; body: unknown }[];
  /** Tokens issued so far stop working (as if they expired early). */
  expireTokens(): void;
  /** Sync tokens issued so far are refused with 410 (Google invalidates them now and then). */
  expireSyncTokens(): void;
  /** Queues answers for the next requests whose path starts with `prefix` (`/token`, `/admin/directory/v1/users`…). */
  fail(prefix: string, ...faults: Fault[]): void;
  /** Adds or replaces an event; a change a sync token after now reports. */
  putEvent(calendar: string, event: GoogleEvent): GoogleEvent;
  /** Cancels an event as Calendar does: it stays, `status: "cancelled"`, for sync tokens to report. */
  cancelEvent(calendar: string, id: string): void;
  /** Removes an event without a trace (Google purged it): only a full listing tells. */
  purgeEvent(calendar: string, id: string): void;
  close(): Promise<void>;
}

const STALE = { error: { code: 401, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }], status: 'UNAUTHENTICATED' } };
const INSUFFICIENT = { error: { code: 403, message: 'Request had insufficient authentication scopes.', errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }], status: 'PERMISSION_DENIED' } };
const NOT_AUTHORIZED = { error: { code: 403, message: 'Not Authorized to access this resource/api', errors: [{ message: 'Not Authorized to access this resource/api', domain: 'global', reason: 'forbidden' }] } };
const NOT_FOUND = { error: { code: 404, message: 'Not Found', errors: [{ domain: 'global', reason: 'notFound', message: 'Not Found' }] } };
const SYNC_GONE = { error: { code: 410, message: 'Sync token is no longer valid, a full sync is required.', errors: [{ domain: 'calendar', reason: 'fullSyncRequired', message: 'Sync token is no longer valid, a full sync is required.' }] } };

/** A Meet code as Google makes them: `abc-defg-hij`. */
export function meetCode(): string {
  const letters = Array.from(randomBytes(10), (b) => 'abcdefghijklmnopqrstuvwxyz'[b % 26]).join('');
  return `${letters.slice(0, 3)}-${letters.slice(3, 7)}-${letters.slice(7)}`;
}

/** The conference data of a Meet, with the dial-in entry point and its PIN as Google adds them. */
export function meetConference(code: string, pin = '418273645'): Pick<GoogleEvent, 'hangoutLink' | 'conferenceData'> {
  return {
    hangoutLink: `https://meet.google.com/${code}`,
    conferenceData: {
      conferenceId: code,
      conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet', iconUri: 'https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png' },
      entryPoints: [
        { entryPointType: 'video', uri: `https://meet.google.com/${code}`, label: `meet.google.com/${code}` },
        { entryPointType: 'phone', uri: 'tel:+1-555-0100', label: '+1 555-0100', pin, regionCode: 'US' },
        { entryPointType: 'more', uri: `https://tel.meet/${code}?pin=${pin}`, pin },
      ],
    },
  };
}

/**
 * Google's OAuth token endpoint (JWT bearer grant of a service account with
 * domain-wide delegation, the signature checked with the key pair made
 * here), the Admin SDK Directory's users and domains and Calendar's events
 * with sync tokens, on loopback, port 0, answering with the documented
 * shapes: `nextPageToken` paging, `nextSyncToken` on the last page, 410
 * `fullSyncRequired`, 401 `authError` for a stale token, 403
 * `insufficientPermissions`, `invalid_grant` and `unauthorized_client` at
 * the token endpoint.
 */
export async function startGoogleServer(): Promise<GoogleServer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const verifying: KeyObject = createPublicKey(publicKey.export({ type: 'spki', format: 'pem' }));
  const clientEmail = 'leakwatch@westfield-sync.iam.gserviceaccount.com';
  const clientId = '104729384756102938475';
  const privateKeyId = randomBytes(20).toString('hex');
  const valid = new Map<string, { sub: string; scopes: string[] }>();
  const faults: { prefix: string; fault: Fault }[] = [];
  const pageTokens = new Map<string, number>();
  /** Sync tokens: the calendar and the change count they were issued at. */
  const syncTokens = new Map<string, { calendar: string; at: number }>();
  /** When each event last changed, by calendar and id. */
  const changedAt = new Map<string, number>();
  let changes = 0;

  const state: GoogleServer = {
    url: '',
    tokenUrl: '',
    serviceAccount: {
      clientEmail,
      clientId,
      privateKeyId,
      privateKeyPem,
      keyFile: '',
    },
    admin: 'it@westfield.example',
    domains: [],
    users: [],
    calendars: new Map(),
    noCalendar: new Set(),
    delegated: new Set(READ_SCOPES),
    requests: [],
    assertions: [],
    issued: [],
    expiresIn: 3599,
    now: () => Date.parse('2026-12-04T08:00:00Z'),
    revoked: false,
    pageSize: 2,
    pendingPolls: 0,
    patches: [],
    expireTokens: () => valid.clear(),
    expireSyncTokens: () => syncTokens.clear(),
    fail: (prefix, ...list) => faults.push(...list.map((fault) => ({ prefix, fault }))),
    putEvent(calendar, event) {
      const list = state.calendars.get(calendar) ?? [];
      const at = list.findIndex((e) => e.id === event.id);
      const stored = { ...event, updated: new Date(Date.UTC(2026, 10, 1) + ++changes * 1000).toISOString() };
      if (at === -1) list.push(stored);
      else list[at] = stored;
      state.calendars.set(calendar, list);
      changedAt.set(`${calendar}\0${event.id}`, changes);
      return stored;
    },
    cancelEvent(calendar, id) {
      const event = state.calendars.get(calendar)?.find((e) => e.id === id);
      if (!event) throw new Error(`no event ${id} in ${calendar}`);
      state.putEvent(calendar, { id, status: 'cancelled', ...(event.recurringEventId ? { recurringEventId: event.recurringEventId } : {}) });
    },
    purgeEvent(calendar, id) {
      state.calendars.set(calendar, (state.calendars.get(calendar) ?? []).filter((e) => e.id !== id));
    },
    close: async () => {},
  };
  state.serviceAccount.keyFile = JSON.stringify({
    type: 'service_account',
    project_id: 'westfield-sync',
    private_key_id: privateKeyId,
    private_key: privateKeyPem,
    client_email: clientEmail,
    client_id: clientId,
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    // Not where tokens are asked for: the configured tokenUrl is.
    token_uri: 'https://oauth2.googleapis.com/token',
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
    universe_domain: 'googleapis.com',
  });

  function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body));
  }

  function page<T>(items: T[], query: URLSearchParams, key: string): { items: T[]; next: string | undefined } {
    const token = query.get('pageToken');
    const start = token ? (pageTokens.get(`${key}\0${token}`) ?? 0) : 0;
    const slice = items.slice(start, start + state.pageSize);
    if (start + state.pageSize >= items.length) return { items: slice, next: undefined };
    const next = randomBytes(8).toString('base64url');
    pageTokens.set(`${key}\0${next}`, start + state.pageSize);
    return { items: slice, next };
  }

  function decode(part: string): unknown {
    try {
      return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
  }

  function token(response: ServerResponse, request: IncomingMessage, body: string): void {
    const form = new URLSearchParams(body);
    if (request.method !== 'POST' || request.headers['content-type'] !== 'application/x-www-form-urlencoded') return json(response, 400, { error: 'invalid_request', error_description: 'Bad Request' });
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return json(response, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' + form.get('grant_type') });
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) return json(response, 400, { error: 'invalid_request', error_description: 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe' });
    const [header, claims, signature] = parts as [string, string, string];
    const signed = verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), verifying, Buffer.from(signature, 'base64url'));
    const assertion = { header: decode(header) ?? {}, claims: decode(claims) ?? {} } as Assertion;
    if (state.revoked || !signed || assertion.header.alg !== 'RS256' || assertion.header.kid !== privateKeyId) return json(response, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    state.assertions.push(assertion);
    const { iss, sub, scope, aud, iat, exp } = assertion.claims;
    if (iss !== clientEmail) return json(response, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    if (aud !== state.tokenUrl) return json(response, 400, { error: 'invalid_grant', error_description: 'Invalid JWT: Audience is not valid.' });
    const nowSecs = state.now() / 1000;
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > 3600 || exp < nowSecs || iat > nowSecs + 300) {
      return json(response, 400, { error: 'invalid_grant', error_description: 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.' });
    }
    const user = [...state.users].find((u) => u.primaryEmail === sub?.toLowerCase());
    if (!user) return json(response, 400, { error: 'invalid_grant', error_description: 'Invalid email or User ID' });
    const scopes = (scope ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0) return json(response, 400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' });
    if (scopes.some((s) => !state.delegated.has(s))) {
      return json(response, 401, { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' });
    }
    const value = `ya29.c.${randomBytes(32).toString('base64url')}`;
    valid.set(value, { sub: user.primaryEmail, scopes });
    state.issued.push({ value, sub: user.primaryEmail, scopes });
    // With delegation the answer lists no scopes.
    json(response, 200, { access_token: value, expires_in: state.expiresIn, token_type: 'Bearer' });
  }

  function eventsList(response: ServerResponse, calendar: string, query: URLSearchParams): void {
    const syncToken = query.get('syncToken');
    if (syncToken !== null && ['timeMin', 'timeMax', 'updatedMin', 'orderBy', 'q'].some((p) => query.has(p))) {
      return json(response, 400, { error: { code: 400, message: 'Sync token cannot be used with other request restrictions.', errors: [{ domain: 'calendar', reason: 'syncTokenWithRequestRestrictions' }] } });
    }
    if (query.get('showDeleted') !== 'true' && syncToken !== null) return json(response, 400, { error: { code: 400, message: 'Sync token cannot be used with other request restrictions.', errors: [{ domain: 'calendar', reason: 'syncTokenWithRequestRestrictions' }] } });
    let since = -1;
    if (syncToken !== null) {
      const known = syncTokens.get(syncToken);
      if (!known || known.calendar !== calendar) return json(response, 410, SYNC_GONE);
      since = known.at;
    }
    const timeMin = query.get('timeMin');
    const all = (state.calendars.get(calendar) ?? []).filter((event) => {
      if (since >= 0) return (changedAt.get(`${calendar}\0${event.id}`) ?? 0) > since;
      if (event.status === 'cancelled' && query.get('showDeleted') !== 'true') return false;
      // A one-off event that ended before timeMin is not listed; a series is, whatever its first session.
      if (timeMin && !event.recurrence && event.end?.dateTime && Date.parse(event.end.dateTime) < Date.parse(timeMin)) return false;
      return true;
    });
    const { items, next } = page(all, query, `events:${calendar}:${syncToken ?? ''}`);
    const body: Record<string, unknown> = {
      kind: 'calendar#events',
      etag: '"p33g9s9pfpjgf40o"',
      summary: calendar,
      updated: '2026-11-02T10:00:00.000Z',
      timeZone: 'America/New_York',
      accessRole: 'owner',
      defaultReminders: [{ method: 'popup', minutes: 10 }],
      items: items.map((event) => ({ kind: 'calendar#event', etag: '"3181161784712000"', htmlLink: `https://www.google.com/calendar/event?eid=${event.id}`, ...event })),
    };
    if (next) body.nextPageToken = next;
    else {
      const issued = `CPDAlvWDx70CEPDAlvWDx70CGAU${randomBytes(6).toString('base64url')}=`;
      syncTokens.set(issued, { calendar, at: changes });
      body.nextSyncToken = issued;
    }
    json(response, 200, body);
  }

  function eventPatch(response: ServerResponse, calendar: string, event: GoogleEvent, query: URLSearchParams, body: string): void {
    let patch: { conferenceData?: { createRequest?: { requestId?: string; conferenceSolutionKey?: { type?: string } } } };
    try {
      patch = JSON.parse(body) as typeof patch;
    } catch {
      return json(response, 400, { error: { code: 400, message: 'Parse Error', errors: [{ domain: 'global', reason: 'parseError' }] } });
    }
    state.patches.push({ calendar, eventId: event.id, query, body: patch });
    const create = patch.conferenceData?.createRequest;
    // Without conferenceDataVersion=1 Calendar ignores conference changes.
    if (query.get('conferenceDataVersion') !== '1' || !create) return json(response, 200, event);
    if (!create.requestId || create.conferenceSolutionKey?.type !== 'hangoutsMeet') return json(response, 400, { error: { code: 400, message: 'Invalid conference type value.', errors: [{ domain: 'global', reason: 'invalid' }] } });
    const code = meetCode();
    const pending = state.pendingPolls > 0;
    const status = { statusCode: pending ? 'pending' : 'success' };
    const conference = meetConference(code, String(100_000_000 + (randomBytes(4).readUInt32BE() % 900_000_000)));
    const updated = pending
      ? state.putEvent(calendar, { ...event, hangoutLink: undefined, conferenceData: { createRequest: { requestId: create.requestId, conferenceSolutionKey: { type: 'hangoutsMeet' }, status } } })
      : state.putEvent(calendar, { ...event, ...conference, conferenceData: { ...conference.conferenceData, createRequest: { requestId: create.requestId, conferenceSolutionKey: { type: 'hangoutsMeet' }, status } } });
    if (pending) pendingConference.set(`${calendar}\0${event.id}`, { ...conference, requestId: create.requestId });
    json(response, 200, updated);
  }
  const pendingConference = new Map<string, ReturnType<typeof meetConference> & { requestId: string }>();

  const server: Server = createServer(function google(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => answer(request, response, Buffer.concat(chunks).toString('utf8')));
  });

  function answer(request: IncomingMessage, response: ServerResponse, body: string): void {
    const url = new URL(request.url ?? '/', 'http://google.test');
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const holder = bearer === undefined ? undefined : valid.get(bearer);
    state.requests.push({ method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, authorization: request.headers.authorization, body, ...(holder ? { sub: holder.sub } : {}) });
    const fault = faults.findIndex((f) => url.pathname.startsWith(f.prefix));
    if (fault !== -1) {
      const canned = faults.splice(fault, 1)[0]!.fault;
      response.writeHead(canned.status, { 'content-type': 'application/json; charset=UTF-8', ...canned.headers }).end(canned.body ?? '');
      return;
    }
    if (url.pathname === '/token') return token(response, request, body);
    if (!holder) return json(response, 401, STALE, { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' });
    let match: RegExpExecArray | null;
    if (url.pathname.startsWith('/admin/directory/v1/')) {
      const admin = state.users.find((u) => u.primaryEmail === holder.sub);
      if (!admin?.isAdmin) return json(response, 403, NOT_AUTHORIZED);
      if (url.pathname === '/admin/directory/v1/customer/my_customer/domains') {
        if (!holder.scopes.includes(SCOPES.domains)) return json(response, 403, INSUFFICIENT);
        return json(response, 200, { kind: 'admin#directory#domains', etag: '"x"', domains: state.domains.map((d) => ({ kind: 'admin#directory#domain', creationTime: '1577836800000', ...d })) });
      }
      if (url.pathname === '/admin/directory/v1/users') {
        if (!holder.scopes.includes(SCOPES.users)) return json(response, 403, INSUFFICIENT);
        if (url.searchParams.get('customer') !== 'my_customer') return json(response, 400, { error: { code: 400, message: 'Bad Request', errors: [{ reason: 'badRequest' }] } });
        const listed = url.searchParams.get('query') === 'isSuspended=false' ? state.users.filter((u) => !u.suspended) : state.users;
        const { items, next } = page(listed, url.searchParams, `users:${url.searchParams.get('query') ?? ''}`);
        // Google leaves `users` out of an empty page.
        return json(response, 200, {
          kind: 'admin#directory#users',
          etag: '"u"',
          ...(items.length ? { users: items.map((u) => ({ kind: 'admin#directory#user', name: { fullName: u.primaryEmail.split('@')[0] }, ...u })) } : {}),
          ...(next ? { nextPageToken: next } : {}),
        });
      }
    }
    if ((match = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(url.pathname))) {
      const calendar = decodeURIComponent(match[1]!);
      const eventId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
      const write = request.method === 'PATCH';
      const allowed: string[] = write ? [SCOPES.calendarWrite] : [SCOPES.calendarRead, SCOPES.calendarWrite];
      if (!holder.scopes.some((s) => allowed.includes(s))) return json(response, 403, INSUFFICIENT);
      // Delegation reaches a calendar as its user only.
      if (holder.sub !== calendar || state.noCalendar.has(calendar) || !state.users.some((u) => u.primaryEmail === calendar)) return json(response, 404, NOT_FOUND);
      if (eventId === undefined) return eventsList(response, calendar, url.searchParams);
      const event = state.calendars.get(calendar)?.find((e) => e.id === eventId);
      if (!event) return json(response, 404, NOT_FOUND);
      if (write) return eventPatch(response, calendar, event, url.searchParams, body);
      const waiting = pendingConference.get(`${calendar}\0${eventId}`);
      if (waiting && --state.pendingPolls <= 0) {
        pendingConference.delete(`${calendar}\0${eventId}`);
        const { requestId, ...conference } = waiting;
        return json(response, 200, state.putEvent(calendar, { ...event, ...conference, conferenceData: { ...conference.conferenceData, createRequest: { requestId, conferenceSolutionKey: { type: 'hangoutsMeet' }, status: { statusCode: 'success' } } } }));
      }
      return json(response, 200, event);
    }
    json(response, 404, NOT_FOUND);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.tokenUrl = `${state.url}/token`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** Fixed Meet codes of the seeded school's meetings. */
export const CODES = { maths: 'abc-defg-hij', parents: 'pqr-stuv-wxy', briefing: 'kmn-opqr-stu', exception: 'zyx-wvut-srq', attended: 'bcd-efgh-ijk' } as const;

/**
 * A school's Workspace: verified domains (one unverified, one alias), an
 * admin and three teachers (two pages of users), one without Calendar.
 * Ann organises a weekly series with an exception, a one-off meeting and a
 * lunch without Meet, and has a copy of Bob's briefing as a guest and a
 * cancelled event; Bob's calendar holds his briefing and a Zoom add-on event.
 */
export function seedSchool(google: GoogleServer): void {
  google.domains.push(
    { domainName: 'westfield.example', isPrimary: true, verified: true, domainAliases: [{ domainAliasName: 'westfield-high.example', parentDomainName: 'westfield.example', verified: true }] },
    { domainName: 'staff.westfield.example', isPrimary: false, verified: true },
    { domainName: 'new.westfield.example', isPrimary: false, verified: false },
  );
  google.users.push(
    { id: '100000000000000000001', primaryEmail: 'it@westfield.example', suspended: false, isAdmin: true },
    { id: '100000000000000000002', primaryEmail: 'ann@westfield.example', suspended: false, isAdmin: false },
    { id: '100000000000000000003', primaryEmail: 'bob@staff.westfield.example', suspended: false, isAdmin: false },
    { id: '100000000000000000004', primaryEmail: 'cat@westfield.example', suspended: false, isAdmin: false },
    { id: '100000000000000000005', primaryEmail: 'gone@westfield.example', suspended: true, isAdmin: false },
  );
  google.noCalendar.add('cat@westfield.example');
  const ann = 'ann@westfield.example';
  const bob = 'bob@staff.westfield.example';
  google.putEvent(ann, {
    id: 'maths9series',
    status: 'confirmed',
    summary: 'Year 9 Maths',
    start: { dateTime: '2026-12-07T09:00:00-05:00', timeZone: 'America/New_York' },
    end: { dateTime: '2026-12-07T09:45:00-05:00', timeZone: 'America/New_York' },
    recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270615T235959Z', 'EXDATE;TZID=America/New_York:20261223T090000,20261228T090000'],
    organizer: { email: ann, self: true },
    creator: { email: ann, self: true },
    ...meetConference(CODES.maths),
  });
  google.putEvent(ann, {
    id: 'maths9series_20261209T140000Z',
    status: 'confirmed',
    summary: 'Year 9 Maths (moved)',
    recurringEventId: 'maths9series',
    start: { dateTime: '2026-12-09T11:00:00-05:00', timeZone: 'America/New_York' },
    end: { dateTime: '2026-12-09T11:45:00-05:00', timeZone: 'America/New_York' },
    organizer: { email: ann, self: true },
    ...meetConference(CODES.exception),
  });
  google.putEvent(ann, { id: 'lunch01', status: 'confirmed', summary: 'Lunch duty', start: { dateTime: '2026-12-08T12:00:00Z' }, end: { dateTime: '2026-12-08T12:30:00Z' }, organizer: { email: ann, self: true } });
  google.putEvent(ann, {
    id: 'parents01',
    status: 'confirmed',
    summary: 'Parents evening',
    start: { dateTime: '2026-12-10T17:00:00Z' },
    end: { dateTime: '2026-12-10T19:00:00Z' },
    organizer: { email: ann, self: true },
    ...meetConference(CODES.parents, '907162534'),
  });
  google.putEvent(ann, { id: 'briefing01', status: 'confirmed', summary: 'Staff briefing', start: { dateTime: '2026-12-08T07:30:00Z' }, end: { dateTime: '2026-12-08T07:50:00Z' }, organizer: { email: bob }, ...meetConference(CODES.briefing) });
  google.putEvent(ann, { id: 'oldtrip01', status: 'cancelled', summary: 'Trip', start: { dateTime: '2026-12-11T08:00:00Z' }, end: { dateTime: '2026-12-11T09:00:00Z' }, organizer: { email: ann, self: true }, ...meetConference(CODES.attended) });
  google.putEvent(bob, { id: 'briefing01', status: 'confirmed', summary: 'Staff briefing', start: { dateTime: '2026-12-08T07:30:00Z' }, end: { dateTime: '2026-12-08T07:50:00Z' }, organizer: { email: bob, self: true }, ...meetConference(CODES.briefing) });
  google.putEvent(bob, {
    id: 'zoomaddon01',
    status: 'confirmed',
    summary: 'Governors (Zoom)',
    start: { dateTime: '2026-12-09T18:00:00Z' },
    end: { dateTime: '2026-12-09T19:00:00Z' },
    organizer: { email: bob, self: true },
    conferenceData: { conferenceId: '81234567890', conferenceSolution: { key: { type: 'addOn' }, name: 'Zoom Meeting' }, entryPoints: [{ entryPointType: 'video', uri: 'https://westfield.zoom.us/j/81234567890' }] },
  });
}

/** Provider sessions pointed at a local Google (loopback allowed), retrying quickly. */
export function googleSessions(google: Pick<GoogleServer, 'url' | 'tokenUrl' | 'now'>, options: { retries?: number; maxRetryAfterMs?: number; now?: () => number } = {}): ConnectionSessions {
  const api = new ApiClient({ guard: { allowPrivateHosts: true }, userAgent: 'leakwatch-test', timeoutMs: 5000, maxResponseBytes: 1_000_000, retries: options.retries ?? 2, maxRetryAfterMs: options.maxRetryAfterMs ?? 3000, retryBaseMs: 10 });
  return new ConnectionSessions({ api, urls: () => ({ tokenUrl: google.tokenUrl, directoryUrl: google.url, calendarUrl: google.url }), now: options.now ?? (() => google.now()) });
}
