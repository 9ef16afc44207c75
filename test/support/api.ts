import { addOrganiser } from '../../src/registry/organisations.js';
import { createApiApp, type ApiDeps } from '../../src/api/app.js';
import { createToken } from '../../src/api/tokens.js';
import type { IncomingPost } from '../../src/match/matcher.js';
import { addIdentifier } from '../../src/registry/identifiers.js';
import { capturedLogger } from './logger.js';
import { school, tempStore, VERIFICATION, type TestStore } from './store.js';

export const NOW = new Date('2026-09-01T12:00:00Z');

/** One organisation of the fixture, with a meeting, a leak of it, a pending domain and tokens. */
export interface FixtureOrg {
  id: number;
  name: string;
  domain: string;
  meetingId: number;
  leakId: number;
  /** A meeting-domain identifier, pending (its DNS token is `dnsToken`). */
  identifierId: number;
  dnsToken: string;
  write: string;
  read: string;
}

export interface ApiFixture {
  store: TestStore;
  app: ReturnType<typeof createApiApp>;
  logLines: string[];
  a: FixtureOrg;
  b: FixtureOrg;
  /** Moves the clock the app reads. */
  advance(ms: number): void;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  cleanup(): void;
}

export interface CallOptions {
  token?: string | null;
  /** Sent as JSON unless `raw` is given. */
  json?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** The client address, as @hono/node-server hands it over. */
  address?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when it is not JSON. */
  body: any;
  text: string;
}

let sequence = 0;
export function post(text: string, extra: Partial<IncomingPost> = {}): IncomingPost {
  sequence++;
  return { source: 'reddit', sourceId: `t3_api${sequence}`, url: `https://www.reddit.com/r/test/comments/${sequence}/`, author: 'someone', createdAt: NOW.toISOString(), text, ...extra };
}

/** A leaked meeting of an organisation: registered with its passcode, then posted with it. */
export function leakMeeting(store: TestStore, orgId: number, zoomId: string, passcode: string, owner: string, at: Date = NOW): { meetingId: number; leakId: number } {
  const { meeting } = store.registration.addMeeting({ orgId, platform: 'zoom', meetingId: zoomId, ownerEmail: owner, passcode, title: 'Year 9 Maths' }, 'test', at);
  store.matcher.ingestPage([post(`join our class lol Meeting ID: ${zoomId} Passcode: ${passcode}`, { createdAt: at.toISOString() })], { now: at });
  const leakId = store.db.prepare('SELECT id FROM leaks WHERE org_id = ? AND meeting_ref = ?').pluck().get(orgId, meeting.id) as number;
  return { meetingId: meeting.id, leakId };
}

function fixtureOrg(store: TestStore, name: string, domain: string, zoomId: string, passcode: string): FixtureOrg {
  const id = school(store, name, domain);
  addOrganiser(store.db, id, `teacher@${domain}`, 'test');
  const { meetingId, leakId } = leakMeeting(store, id, zoomId, passcode, `teacher@${domain}`);
  const added = addIdentifier(store.db, { orgId: id, kind: 'meeting-domain', value: `meet.${domain}` }, VERIFICATION, 'test', NOW);
  return {
    id,
    name,
    domain,
    meetingId,
    leakId,
    identifierId: added.identifier.id,
    dnsToken: added.token!,
    write: createToken(store.db, { orgId: id, name: 'sync', scope: 'write', actor: 'test' }).token,
    read: createToken(store.db, { orgId: id, name: 'reports', scope: 'read', actor: 'test' }).token,
  };
}

/** Two schools, A and B, each with a meeting, its leak, a pending domain and a read and a write token; the API on them. */
export function apiFixture(deps: Partial<ApiDeps> = {}): ApiFixture {
  const store = tempStore();
  const { log, lines } = capturedLogger();
  let now = NOW.getTime();
  const a = fixtureOrg(store, 'Westfield High', 'westfield.example', '845 1239 7260', '662810');
  const b = fixtureOrg(store, 'Eastgate School', 'eastgate.example', '912 3456 7801', '314159');
  // A DNS port nobody answers on: a test that needs DNS passes its own loopback server; none reaches the internet.
  const verification = { ...VERIFICATION, dnsServers: ['127.0.0.1:9'], dnsTimeoutMs: 300 };
  const app = createApiApp({ db: store.db, log, registration: store.registration, verification, clock: () => new Date(now), ...deps });
  return {
    store,
    app,
    logLines: lines,
    a,
    b,
    advance: (ms) => (now += ms),
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? a.write : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (options.raw !== undefined) body = options.raw;
      else if (options.json !== undefined) body = JSON.stringify(options.json);
      if (body !== undefined) headers['content-type'] = options.contentType ?? (options.raw !== undefined ? 'text/plain' : 'application/json');
      const response = await app.request(path, { method, headers, body }, { incoming: { socket: { remoteAddress: options.address ?? '192.0.2.1' } } });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the text is the body
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    cleanup: () => store.cleanup(),
  };
}

/** Every row of every table but the tokens' own (their last use is written on each request): what "nothing changed" compares. */
export function snapshot(store: TestStore): Record<string, unknown[]> {
  const tables = store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'api_tokens' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(tables.map((table) => [table, store.db.prepare(`SELECT * FROM "${table}"`).all()]));
}

/** A valid request of each route that takes a body, by operationId: what an honest client of organisation A would send. */
export const EXAMPLE_BODIES: Record<string, Pick<CallOptions, 'json' | 'raw' | 'contentType'>> = {
  addIdentifier: { json: { kind: 'email-domain', value: 'staff.example' } },
  addMeeting: { json: { platform: 'zoom', meetingId: '845 5555 6666', ownerEmail: 'new@westfield.example', passcode: '123456', title: 'Art' } },
  importMeetings: { raw: 'platform,meeting_id,owner_email\nzoom,845 5555 7777,art@westfield.example\n', contentType: 'text/csv' },
  updateMeeting: { json: { title: 'Renamed', passcode: '999999', public: true } },
  actOnLeak: { json: { action: 'ignore', reason: 'not ours' } },
  addPerson: { json: { email: 'new@westfield.example', role: 'organiser' } },
  removePerson: { json: { email: 'teacher@westfield.example', role: 'organiser' } },
};

/** The number in a route's `{id}` for an organisation of the fixture: the kind of thing is the path's first segment after /v1. */
export function idFor(org: FixtureOrg, path: string): number {
  const kind = path.split('/')[2];
  if (kind === 'meetings') return org.meetingId;
  if (kind === 'leaks') return org.leakId;
  if (kind === 'identifiers') return org.identifierId;
  throw new Error(`no fixture id for ${path}: add its kind to idFor`);
}
