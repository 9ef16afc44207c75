import { randomBytes } from 'node:crypto';
import { ApiClient } from '../../src/connect/api-client.js';
import { ConnectionSessions } from '../../src/connect/sync.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A meeting as Zoom's meeting detail (`GET /v2/meetings/{id}`) answers it; the listing shows a subset. */
export interface ZoomMeeting {
  id: number;
  uuid: string;
  host_id: string;
  topic: string;
  type: 2 | 3 | 8;
  start_time?: string;
  duration?: number;
  timezone?: string;
  join_url: string;
  password?: string;
  recurrence?: Record<string, unknown>;
  occurrences?: { occurrence_id: string; start_time: string; duration: number; status: string }[];
}

export interface ZoomUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  type: number;
  status: 'active';
}

/** A canned answer for the next request to a path. */
export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface ZoomServer {
  url: string;
  account: { accountId: string; clientId: string; clientSecret: string };
  users: ZoomUser[];
  meetings: Map<string, ZoomMeeting[]>;
  /** Every request: method, path with query, whether it carried a valid token. */
  requests: { method: string; path: string; query: URLSearchParams; authorization: string | undefined; body: string }[];
  /** The account allows digits-only passcodes (Zoom's "passcode can only contain numbers" setting). */
  digitsOnly: boolean;
  /** Waiting room settings PATCHed, by meeting id. */
  waitingRooms: Map<string, boolean>;
  /** Every access token issued. */
  issued: string[];
  /** Scope string of new tokens. */
  scope: string;
  /** Lifetime of new tokens, in seconds. Default 3599. */
  expiresIn: number;
  /** The app's credentials stop working (the admin regenerated the secret or deactivated the app). */
  revoked: boolean;
  /** Items per page the server answers with, whatever `page_size` asked (Zoom's 300 is too many to page in a test). */
  pageSize: number;
  /** Tokens issued so far stop working (as if they expired early). */
  expireTokens(): void;
  /** Queues answers for the next requests whose path starts with `prefix` (`/oauth/token`, `/v2/users`…). */
  fail(prefix: string, ...faults: Fault[]): void;
  addMeeting(userId: string, meeting: Omit<ZoomMeeting, 'uuid' | 'host_id'>): ZoomMeeting;
  close(): Promise<void>;
}

/**
 * Zoom's Server-to-Server OAuth token endpoint and the v2 users and
 * meetings API on loopback, port 0, answering with the documented shapes:
 * paging with `next_page_token`, `401 {code: 124}` for a stale token,
 * `invalid_client` for refused credentials.
 */
export async function startZoomServer(): Promise<ZoomServer> {
  const valid = new Set<string>();
  const faults: { prefix: string; fault: Fault }[] = [];
  const pageTokens = new Map<string, number>();
  const state: ZoomServer = {
    url: '',
    account: { accountId: 'AbCdEf-Account_1', clientId: 'zoomClientIdPublic1', clientSecret: `zsecret-${randomBytes(12).toString('hex')}` },
    users: [],
    meetings: new Map(),
    requests: [],
    issued: [],
    scope: 'meeting:read:list_meetings:admin meeting:read:meeting:admin user:read:list_users:admin',
    expiresIn: 3599,
    revoked: false,
    digitsOnly: false,
    waitingRooms: new Map(),
    pageSize: 2,
    expireTokens: () => valid.clear(),
    fail: (prefix, ...list) => faults.push(...list.map((fault) => ({ prefix, fault }))),
    addMeeting(userId, meeting) {
      const full: ZoomMeeting = { uuid: randomBytes(12).toString('base64'), host_id: userId, ...meeting };
      const list = state.meetings.get(userId) ?? [];
      list.push(full);
      state.meetings.set(userId, list);
      return full;
    },
    close: async () => {},
  };

  function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers }).end(JSON.stringify(body));
  }

  function page<T>(items: T[], query: URLSearchParams, key: string): { items: T[]; next: string } {
    const token = query.get('next_page_token');
    const start = token ? (pageTokens.get(`${key}\0${token}`) ?? 0) : 0;
    const slice = items.slice(start, start + state.pageSize);
    let next = '';
    if (start + state.pageSize < items.length) {
      next = randomBytes(8).toString('hex');
      pageTokens.set(`${key}\0${next}`, start + state.pageSize);
    }
    return { items: slice, next };
  }

  const server: Server = createServer(function zoom(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => answer(request, response, Buffer.concat(chunks).toString('utf8')));
  });

  function answer(request: IncomingMessage, response: ServerResponse, body: string): void {
    const url = new URL(request.url ?? '/', 'http://zoom.test');
    state.requests.push({ method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, authorization: request.headers.authorization, body });
    const fault = faults.findIndex((f) => url.pathname.startsWith(f.prefix));
    if (fault !== -1) {
      const answer = faults.splice(fault, 1)[0]!.fault;
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body ?? '');
      return;
    }
    if (url.pathname === '/oauth/token') {
      const expected = `Basic ${Buffer.from(`${state.account.clientId}:${state.account.clientSecret}`).toString('base64')}`;
      if (request.method !== 'POST' || url.searchParams.get('grant_type') !== 'account_credentials') return json(response, 400, { reason: 'Unsupported grant type', error: 'unsupported_grant_type' });
      if (state.revoked || request.headers.authorization !== expected) return json(response, 400, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      if (url.searchParams.get('account_id') !== state.account.accountId) return json(response, 400, { reason: 'Invalid account_id', error: 'invalid_request' });
      const token = `eyJzoom.${randomBytes(24).toString('base64url')}`;
      valid.add(token);
      state.issued.push(token);
      return json(response, 200, { access_token: token, token_type: 'bearer', expires_in: state.expiresIn, scope: state.scope, api_url: state.url });
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !valid.has(bearer)) return json(response, 401, { code: 124, message: 'Invalid access token.' });
    let match: RegExpExecArray | null;
    if (url.pathname === '/v2/users') {
      const { items, next } = page(state.users, url.searchParams, 'users');
      return json(response, 200, { page_count: Math.ceil(state.users.length / state.pageSize), page_number: 1, page_size: state.pageSize, total_records: state.users.length, next_page_token: next, users: items });
    }
    if ((match = /^\/v2\/users\/([^/]+)\/meetings$/.exec(url.pathname))) {
      const userId = decodeURIComponent(match[1]!);
      if (!state.users.some((u) => u.id === userId)) return json(response, 404, { code: 1001, message: 'User does not exist: ' + userId });
      const all = state.meetings.get(userId) ?? [];
      const { items, next } = page(all, url.searchParams, `meetings:${userId}`);
      return json(response, 200, {
        page_size: state.pageSize,
        total_records: all.length,
        next_page_token: next,
        meetings: items.map((m) => ({ uuid: m.uuid, id: m.id, host_id: m.host_id, topic: m.topic, type: m.type, start_time: m.start_time, duration: m.duration, timezone: m.timezone, created_at: '2026-08-01T10:00:00Z', join_url: m.join_url })),
      });
    }
    if ((match = /^\/v2\/meetings\/(\d+)$/.exec(url.pathname)) && request.method === 'PATCH') {
      const meeting = [...state.meetings.values()].flat().find((m) => String(m.id) === match![1]);
      if (!meeting) return json(response, 404, { code: 3001, message: 'Meeting does not exist: ' + match[1] + '.' });
      if (!state.scope.split(' ').includes('meeting:update:meeting:admin')) return json(response, 400, { code: 4711, message: 'Invalid access token, does not contain scopes:[meeting:update:meeting:admin].' });
      let patch: { password?: string; settings?: { waiting_room?: boolean } };
      try {
        patch = JSON.parse(body) as typeof patch;
      } catch {
        return json(response, 400, { code: 300, message: 'Request Body should be a valid JSON object.' });
      }
      if (patch.password !== undefined) {
        if (state.digitsOnly && !/^\d+$/.test(patch.password)) return json(response, 400, { code: 300, message: 'Passcode can only contain numbers.' });
        if (!/^[A-Za-z0-9@_*-]{1,10}$/.test(patch.password)) return json(response, 400, { code: 300, message: 'Invalid password.' });
        meeting.password = patch.password;
        // Zoom issues a new join link: its pwd= token follows the passcode.
        meeting.join_url = `${meeting.join_url.split('?')[0]}?pwd=${randomBytes(24).toString('base64url')}.1`;
      }
      if (patch.settings?.waiting_room !== undefined) state.waitingRooms.set(String(meeting.id), patch.settings.waiting_room);
      response.writeHead(204).end();
      return;
    }
    if ((match = /^\/v2\/meetings\/(\d+)$/.exec(url.pathname))) {
      const meeting = [...state.meetings.values()].flat().find((m) => String(m.id) === match![1]);
      if (!meeting) return json(response, 404, { code: 3001, message: 'Meeting does not exist: ' + match[1] + '.' });
      const host = state.users.find((u) => u.id === meeting.host_id);
      return json(response, 200, { ...meeting, host_email: host?.email, status: 'waiting', settings: { join_before_host: false, waiting_room: true } });
    }
    json(response, 404, { code: 300, message: 'not found' });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** A school's account: three teachers (two pages of users), meetings of every type, two pages for one of them. */
export function seedSchool(zoom: ZoomServer): void {
  zoom.users.push(
    { id: 'u-ann', email: 'ann@westfield.example', first_name: 'Ann', last_name: 'Lee', type: 2, status: 'active' },
    { id: 'u-bob', email: 'bob@westfield.example', first_name: 'Bob', last_name: 'Ray', type: 2, status: 'active' },
    { id: 'u-cat', email: 'cat@westfield.example', first_name: 'Cat', last_name: 'Oz', type: 1, status: 'active' },
  );
  zoom.addMeeting('u-ann', {
    id: 81234567890,
    topic: 'Year 9 Maths',
    type: 8,
    start_time: '2026-12-07T09:00:00Z',
    duration: 45,
    timezone: 'Europe/London',
    join_url: 'https://westfield.zoom.us/j/81234567890?pwd=Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op.1',
    password: '662810',
    recurrence: { type: 2, repeat_interval: 1, weekly_days: '2,4', end_date_time: '2027-07-15T08:00:00Z' },
    occurrences: [
      { occurrence_id: '1765098000000', start_time: '2026-12-07T09:00:00Z', duration: 45, status: 'available' },
      { occurrence_id: '1765270800000', start_time: '2026-12-09T09:00:00Z', duration: 45, status: 'deleted' },
      { occurrence_id: '1765702800000', start_time: '2026-12-14T09:00:00Z', duration: 45, status: 'available' },
    ],
  });
  zoom.addMeeting('u-ann', { id: 81234567891, topic: 'Parents evening', type: 2, start_time: '2026-12-10T17:00:00Z', duration: 120, join_url: 'https://westfield.zoom.us/j/81234567891', password: 'xK9p2Q' });
  zoom.addMeeting('u-ann', { id: 81234567892, topic: 'Office hours', type: 3, join_url: 'https://westfield.zoom.us/j/81234567892?pwd=Zz99Yy88Xx77Ww66Vv55Uu44Tt33Ss.1', password: '112233' });
  zoom.addMeeting('u-bob', { id: 81234567893, topic: 'Staff briefing', type: 8, start_time: '2026-12-08T07:30:00Z', duration: 20, join_url: 'https://us02web.zoom.us/j/81234567893', recurrence: { type: 1, repeat_interval: 2, end_times: 10 } });
}

/** Provider sessions pointed at a local Zoom API (loopback allowed), retrying quickly. */
export function zoomSessions(zoom: Pick<ZoomServer, 'url'>, options: { retries?: number } = {}): ConnectionSessions {
  const api = new ApiClient({ guard: { allowPrivateHosts: true }, userAgent: 'leakwatch-test', timeoutMs: 5000, maxResponseBytes: 1_000_000, retries: options.retries ?? 1, maxRetryAfterMs: 2000, retryBaseMs: 10 });
  return new ConnectionSessions({ api, urls: () => ({ oauthUrl: zoom.url, apiUrl: zoom.url }) });
}
