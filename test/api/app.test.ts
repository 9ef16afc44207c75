import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/api/routes.js';
import { revokeToken } from '../../src/api/tokens.js';
import { apiFixture, idFor, leakMeeting, NOW, snapshot, type ApiFixture } from '../support/api.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';
import { count, VERIFICATION } from '../support/store.js';

let dns: DnsTestServer;
beforeAll(async () => (dns = await startDnsServer()));
afterAll(() => dns.close());

let f: ApiFixture;
beforeEach(() => (f = apiFixture({ verification: { ...VERIFICATION, dnsServers: [dns.address], dnsTimeoutMs: 300 } })));
afterEach(() => f.cleanup());

function expectProblem(answer: { status: number; headers: Headers; body: any }, status: number) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String), errors: expect.any(Array) });
}

describe('authentication', () => {
  it('refuses a request without a token, or with an unknown, malformed or revoked one, with 401 and WWW-Authenticate: Bearer', async () => {
    for (const token of [null, 'nope', `lw_${'x'.repeat(43)}`, `${f.a.write}' OR '1'='1`]) {
      const answer = await f.call('GET', '/v1/organisation', { token });
      expectProblem(answer, 401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const id = f.store.db.prepare("SELECT id FROM api_tokens WHERE org_id = ? AND scope = 'write'").pluck().get(f.a.id) as number;
    expect((await f.call('GET', '/v1/organisation')).status).toBe(200);
    revokeToken(f.store.db, { orgId: f.a.id, id, actor: 'test' });
    const revoked = await f.call('GET', '/v1/organisation');
    expectProblem(revoked, 401);
    expect(revoked.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('lets a read token read, and refuses it every write with 403, changing nothing', async () => {
    expect((await f.call('GET', '/v1/meetings', { token: f.a.read })).status).toBe(200);
    const before = snapshot(f.store);
    for (const [method, path, json] of [
      ['POST', '/v1/meetings', { meetingId: '111 222 3333', platform: 'zoom', ownerEmail: 'x@westfield.example' }],
      ['PATCH', `/v1/meetings/${f.a.meetingId}`, { title: 'changed' }],
      ['DELETE', `/v1/meetings/${f.a.meetingId}`, undefined],
      ['POST', `/v1/leaks/${f.a.leakId}/actions`, { action: 'resolve' }],
      ['POST', '/v1/identifiers', { kind: 'email-domain', value: 'new.example' }],
      ['POST', `/v1/identifiers/${f.a.identifierId}/check`, undefined],
    ] as const) {
      expectProblem(await f.call(method, path, { token: f.a.read, json }), 403);
    }
    expect(snapshot(f.store)).toEqual(before);
  });
});

describe('refused input', () => {
  it('answers malformed JSON, a wrong content type and unknown fields with a problem naming what is wrong', async () => {
    const malformed = await f.call('POST', '/v1/meetings', { raw: '{"meetingId": ', contentType: 'application/json' });
    expectProblem(malformed, 400);
    expect(malformed.body.errors).toEqual([{ field: 'body', message: 'malformed JSON' }]);
    expectProblem(await f.call('POST', '/v1/meetings', { raw: 'meetingId=1', contentType: 'application/x-www-form-urlencoded' }), 415);
    expectProblem(await f.call('POST', '/v1/meetings/import', { json: { rows: [] } }), 415);
    const unknown = await f.call('POST', '/v1/meetings', { json: { meetingId: '845 0000 1111', platform: 'zoom', ownerEmail: 'a@westfield.example', passcod: '1' } });
    expectProblem(unknown, 400);
    expect(unknown.body.errors).toEqual([{ field: 'passcod', message: 'not a field of this request' }]);
    const bad = await f.call('POST', '/v1/meetings', { json: { meetingId: 'not a meeting', platform: 'zoom', ownerEmail: 'bob@' } });
    expectProblem(bad, 400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['meetingId', 'ownerEmail']);
    for (const json of [null, [], 'text', 42, { __proto__: { meetingId: 1 } }]) expectProblem(await f.call('POST', '/v1/meetings', { json }), 400);
  });

  it('refuses a recurrence that is not an RFC 5545 RRULE, naming the field and what is wrong, on create and on change', async () => {
    for (const recurrence of ['BYDAY=XX;COUNT=abc', 'FREQ=SOMETIMES', 'FREQ=WEEKLY;COUNT=2;UNTIL=20261218']) {
      const created = await f.call('POST', '/v1/meetings', { json: { meetingId: '845 0000 1111', platform: 'zoom', ownerEmail: 'a@westfield.example', recurrence } });
      expectProblem(created, 400);
      expect(created.body.errors).toEqual([{ field: 'recurrence', message: expect.stringMatching(/^not an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO: /) }]);
    }
    const changed = await f.call('PATCH', `/v1/meetings/${f.a.meetingId}`, { json: { recurrence: 'FREQ=WEEKLY;BYDAY=1MO' } });
    expectProblem(changed, 400);
    expect(changed.body.errors[0]).toMatchObject({ field: 'recurrence', message: expect.stringMatching(/week number/) });
    const fine = await f.call('PATCH', `/v1/meetings/${f.a.meetingId}`, { json: { recurrence: 'FREQ=WEEKLY;BYDAY=MO' } });
    expect(fine.status).toBe(200);
    expect(fine.body).toMatchObject({ recurrence: 'FREQ=WEEKLY;BYDAY=MO', timeZone: null });
    const zoned = await f.call('POST', '/v1/meetings', { json: { meetingId: '845 0000 1112', platform: 'zoom', ownerEmail: 'a@westfield.example', recurrence: 'FREQ=WEEKLY', timeZone: 'GMT Standard Time' } });
    expect(zoned.status).toBe(201);
    expect(zoned.body).toMatchObject({ recurrence: 'FREQ=WEEKLY', timeZone: 'Europe/London' });
    const unzoned = await f.call('POST', '/v1/meetings', { json: { meetingId: '845 0000 1113', platform: 'zoom', ownerEmail: 'a@westfield.example', timeZone: 'Mars/Olympus' } });
    expectProblem(unzoned, 400);
    expect(unzoned.body.errors).toEqual([{ field: 'timeZone', message: 'not an IANA time zone name such as Europe/London' }]);
  });

  it('refuses a body over 1 MiB with 413, and huge or odd limits with 400', async () => {
    const huge = `platform,meeting_id,owner_email\n${'zoom,84512397260,a@westfield.example\n'.repeat(30_000)}`;
    expectProblem(await f.call('POST', '/v1/meetings/import', { raw: huge, contentType: 'text/csv' }), 413);
    for (const limit of ['101', '0', '-1', '1e309', '99999999999999999999999', 'abc', '1.5']) {
      const answer = await f.call('GET', `/v1/leaks?limit=${limit}`);
      expectProblem(answer, 400);
      expect(answer.body.errors[0].field).toBe('limit');
    }
    const unknown = await f.call('GET', '/v1/leaks?stauts=open');
    expectProblem(unknown, 400);
    expect(unknown.body.errors).toEqual([{ field: 'stauts', message: 'not a field of this request' }]);
  });

  it('treats SQL-ish strings as text: nothing is found, nothing breaks', async () => {
    const sqlish = "' OR 1=1; DROP TABLE leaks; --";
    const answer = await f.call('GET', `/v1/leaks?platform=${encodeURIComponent(sqlish)}`);
    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([]);
    expectProblem(await f.call('GET', `/v1/meetings/${encodeURIComponent('1 OR 1=1')}`), 404);
    const created = await f.call('POST', '/v1/meetings', { json: { meetingId: '845 0000 1111', platform: 'zoom', ownerEmail: 'a@westfield.example', title: sqlish } });
    expect(created.status).toBe(201);
    expect(created.body.title).toBe(sqlish);
    expect(count(f.store.db, 'leaks')).toBe(2);
  });

  it('logs a fault once and answers 500 without ending anything', async () => {
    f.store.db.exec('DROP TABLE contacts');
    const answer = await f.call('GET', '/v1/people');
    expectProblem(answer, 500);
    expect(answer.text).not.toMatch(/contacts|sqlite/i);
    expect(f.logLines.some((line) => line.includes('API request failed'))).toBe(true);
    expect((await f.call('GET', '/v1/leaks')).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('limits each token and each address with 429 and Retry-After, and lets them back once earned', async () => {
    f.cleanup();
    f = apiFixture({ perToken: { burst: 3, perSecond: 1 }, perAddress: { burst: 5, perSecond: 1 } });
    for (let i = 0; i < 3; i++) expect((await f.call('GET', '/v1/people')).status).toBe(200);
    const limited = await f.call('GET', '/v1/people');
    expectProblem(limited, 429);
    expect(limited.headers.get('retry-after')).toBe('1');
    // Another token from the same address is not held back by the first's limit.
    expect((await f.call('GET', '/v1/people', { token: f.b.read })).status).toBe(200);
    // The address has spent 5; unauthenticated guessing counts too.
    expectProblem(await f.call('GET', '/v1/people', { token: 'guess' }), 429);
    expect((await f.call('GET', '/v1/people', { token: f.b.read, address: '198.51.100.7' })).status).toBe(200);
    f.advance(2000);
    expect((await f.call('GET', '/v1/people')).status).toBe(200);
  });
});

describe('routes', () => {
  it("GET /v1/organisation: the token's organisation with its identifiers and proof", async () => {
    const answer = await f.call('GET', '/v1/organisation', { token: f.a.read });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ id: f.a.id, name: 'Westfield High', admins: ['it@westfield.example'], proof: { alertsEnabled: true, verified: 1, pending: 1 } });
    expect(answer.body.identifiers.map((i: { value: string; status: string }) => `${i.value} ${i.status}`)).toEqual(['westfield.example verified', 'meet.westfield.example pending']);
  });

  it('POST /v1/identifiers registers, and /check verifies it through DNS as `identifier verify` does', async () => {
    const added = await f.call('POST', '/v1/identifiers', { json: { kind: 'email-domain', value: 'Staff.Westfield.Example' } });
    expect(added.status).toBe(201);
    expect(added.body.identifier).toMatchObject({ value: 'staff.westfield.example', status: 'pending' });
    const id = added.body.identifier.id as number;
    const missing = await f.call('POST', `/v1/identifiers/${id}/check`);
    expectProblem(missing, 422);
    expect(missing.body.detail).toMatch(/no "leakwatch-verification=…" TXT record/);
    dns.setTxt('staff.westfield.example', [`leakwatch-verification=${added.body.token}`]);
    const checked = await f.call('POST', `/v1/identifiers/${id}/check`);
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ id, status: 'verified', method: 'dns', verifiedBy: expect.stringMatching(/^api-token:\d+$/) });
    expect(dns.queries.some((q) => q.name === 'staff.westfield.example' && q.type === 16)).toBe(true);
    expectProblem(await f.call('POST', `/v1/identifiers/${id}/check`), 422);
    expectProblem(await f.call('POST', '/v1/identifiers', { json: { kind: 'email-domain', value: 'staff.westfield.example' } }), 422);
    expectProblem(await f.call('POST', '/v1/identifiers', { json: { kind: 'fax-number', value: '1' } }), 400);
  });

  it('meetings: add (retro-hunted), read, change, remove; the passcode is never returned', async () => {
    f.store.matcher.ingestPage([{ source: 'reddit', sourceId: 'early', text: 'maths: Meeting ID: 845 7777 1234 Passcode: 909090', createdAt: NOW.toISOString() }], { now: NOW });
    const created = await f.call('POST', '/v1/meetings', { json: { platform: 'zoom', meetingId: '845 7777 1234', ownerEmail: 'Teacher@Westfield.example', passcode: '909090', title: 'Science' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ orgId: f.a.id, meetingId: '84577771234', ownerEmail: 'teacher@westfield.example', hasPasscode: true, retroHunt: { references: 1, leaks: 1 } });
    expect(created.text).not.toContain('909090');
    const id = created.body.id as number;
    expect((await f.call('GET', `/v1/meetings/${id}`)).body).toMatchObject({ id, title: 'Science' });
    const changed = await f.call('PATCH', `/v1/meetings/${id}`, { json: { title: null, startsAt: '2026-09-02T09:00:00+01:00', public: true } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ title: null, startsAt: '2026-09-02T08:00:00.000Z', public: true, hasPasscode: true });
    const backwards = await f.call('PATCH', `/v1/meetings/${id}`, { json: { endsAt: '2026-09-01T00:00:00Z' } });
    expectProblem(backwards, 422);
    expect(backwards.body.detail).toMatch(/ends .* before it starts/);
    expectProblem(await f.call('PATCH', `/v1/meetings/${id}`, { json: {} }), 400);
    expect((await f.call('PATCH', `/v1/meetings/${id}`, { json: { passcode: null } })).body.hasPasscode).toBe(false);
    expectProblem(await f.call('POST', '/v1/meetings', { json: { platform: 'zoom', meetingId: '845 7777 1234', ownerEmail: 'x@westfield.example' } }), 422);
    const list = await f.call('GET', '/v1/meetings', { token: f.a.read });
    expect(list.body.items.map((m: { id: number }) => m.id)).toEqual([f.a.meetingId, id]);
    expect((await f.call('DELETE', `/v1/meetings/${id}`)).body).toMatchObject({ id });
    expectProblem(await f.call('GET', `/v1/meetings/${id}`), 404);
    expect(count(f.store.db, 'leaks', 'org_id = ?', f.a.id)).toBe(2);
  });

  it('POST /v1/meetings/import: all or nothing, every bad row named by row and column, no passcode echoed', async () => {
    const before = count(f.store.db, 'meetings');
    const bad = [
      'platform,meeting_id,owner_email,passcode',
      'zoom,845 1111 2222,a@westfield.example,secretpass1',
      'zoom,845 1111 3333,bob@,secretpass2',
      'zoom,,c@westfield.example,secretpass3',
    ].join('\n');
    const refused = await f.call('POST', '/v1/meetings/import', { raw: bad, contentType: 'text/csv; charset=utf-8' });
    expectProblem(refused, 422);
    expect(refused.body.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`)).toEqual(['3:owner_email', '4:meeting_id']);
    expect(refused.text).not.toMatch(/secretpass/);
    expect(count(f.store.db, 'meetings')).toBe(before);
    const good = ['platform,meeting_id,owner_email,passcode,title', 'zoom,845 1111 2222,a@westfield.example,secretpass1,Art', 'zoom,845 1111 3333,b@westfield.example,,Music'].join('\n');
    const imported = await f.call('POST', '/v1/meetings/import', { raw: good, contentType: 'text/csv' });
    expect(imported.status).toBe(200);
    expect(imported.body).toEqual({ added: 2, updated: 0, removed: 0, skipped: [], warnings: [] });
    expect(count(f.store.db, 'meetings', 'org_id = ?', f.a.id)).toBe(3);
    expect(count(f.store.db, 'meetings', 'org_id = ?', f.b.id)).toBe(1);
  });

  it('leaks: detail with masked passcodes and excerpts, the events timeline, and actions through the lifecycle', async () => {
    const detail = await f.call('GET', `/v1/leaks/${f.a.leakId}`, { token: f.a.read });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: f.a.leakId, orgId: f.a.id, platform: 'zoom', meetingId: '84512397260' });
    expect(detail.body.sightings).toHaveLength(1);
    expect(detail.body.sightings[0].excerpt).toContain('Meeting ID');
    expect(detail.body.sightings[0].passcode).toMatch(/•|\*/);
    expect(detail.text).not.toContain('662810');
    expect(detail.body.events.length).toBeGreaterThan(0);
    const ignore = await f.call('POST', `/v1/leaks/${f.a.leakId}/actions`, { json: { action: 'ignore' } });
    expectProblem(ignore, 422);
    expect(ignore.body.detail).toMatch(/needs a reason/);
    expect((await f.call('POST', `/v1/leaks/${f.a.leakId}/actions`, { json: { action: 'acknowledge' } })).body).toEqual({ id: f.a.leakId, from: 'open', to: 'acknowledged' });
    expect((await f.call('POST', `/v1/leaks/${f.a.leakId}/actions`, { json: { action: 'resolve', reason: 'rotated' } })).body).toMatchObject({ to: 'resolved' });
    expectProblem(await f.call('POST', `/v1/leaks/${f.a.leakId}/actions`, { json: { action: 'acknowledge' } }), 422);
    expect((await f.call('POST', `/v1/leaks/${f.a.leakId}/actions`, { json: { action: 'reopen' } })).body).toMatchObject({ from: 'resolved', to: 'open' });
    const events = (await f.call('GET', `/v1/leaks/${f.a.leakId}`)).body.events.filter((e: { event: string }) => e.event === 'status');
    expect(events.map((e: { to: string; actor: string }) => e.to)).toEqual(['acknowledged', 'resolved', 'open']);
    expect(events[0].actor).toMatch(/^api-token:/);
    expectProblem(await f.call('POST', `/v1/leaks/${f.a.leakId}/actions`, { json: { action: 'delete' } }), 400);
  });

  it('leaks: filters by status, severity, platform and since', async () => {
    const later = new Date(NOW.getTime() + 86_400_000);
    const second = leakMeeting(f.store, f.a.id, '845 2222 9999', '777000', 'teacher@westfield.example', later);
    const ids = async (query: string) => ((await f.call('GET', `/v1/leaks${query}`)).body.items as { id: number }[]).map((l) => l.id);
    expect(await ids('')).toEqual([f.a.leakId, second.leakId]);
    expect(await ids(`?since=${encodeURIComponent(later.toISOString())}`)).toEqual([second.leakId]);
    expect(await ids('?since=2026-09-02T01:00:00%2B02:00')).toEqual([second.leakId]);
    expect(await ids('?platform=teams')).toEqual([]);
    const severity = (await f.call('GET', `/v1/leaks/${second.leakId}`)).body.severity as string;
    expect(await ids(`?severity=${severity}&platform=zoom`)).toContain(second.leakId);
    await f.call('POST', `/v1/leaks/${f.a.leakId}/actions`, { json: { action: 'acknowledge' } });
    expect(await ids('?status=acknowledged')).toEqual([f.a.leakId]);
    expectProblem(await f.call('GET', '/v1/leaks?since=yesterday'), 400);
  });

  it("GET /v1/people: the organisation's admins and organisers", async () => {
    const answer = await f.call('GET', '/v1/people', { token: f.a.read });
    expect(answer.body).toEqual({
      items: [
        { email: 'it@westfield.example', roles: ['admin'], lastSignInAt: null },
        { email: 'teacher@westfield.example', roles: ['organiser'], lastSignInAt: null },
      ],
    });
  });

  it('answers an unknown route with a 404 problem', async () => {
    expectProblem(await f.call('GET', '/v1/nothing'), 404);
    // A path of the API with a method it does not take is 405 (test/api/meetings-api.test.ts).
    expectProblem(await f.call('PUT', '/v1/meetings/x/y', { json: {} }), 404);
  });
});

describe('mounted as the dashboard mounts it', () => {
  it("serves /api/v1 and /api/openapi.json, with the API's own problems, inside another Hono app", async () => {
    const { Hono } = await import('hono');
    const dashboard = new Hono();
    dashboard.get('/', (c) => c.text('dashboard'));
    dashboard.route('/api', f.app);
    const env = { incoming: { socket: { remoteAddress: '192.0.2.9' } } };
    const get = (path: string, token?: string) => dashboard.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} }, env);
    const org = await get('/api/v1/organisation', f.a.read);
    expect(org.status).toBe(200);
    expect(((await org.json()) as { id: number }).id).toBe(f.a.id);
    expect((await get('/api/openapi.json')).status).toBe(200);
    const foreign = await get(`/api/v1/leaks/${f.b.leakId}`, f.a.read);
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toBe('application/problem+json');
    const nothing = await get('/api/v1/nothing', f.a.read);
    expect(nothing.status).toBe(404);
    expect(nothing.headers.get('content-type')).toBe('application/problem+json');
    const unauthorised = await get('/api/v1/organisation');
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.headers.get('www-authenticate')).toBe('Bearer');
    f.store.db.exec('DROP TABLE contacts');
    const fault = await get('/api/v1/people', f.a.read);
    expect(fault.status).toBe(500);
    expect(fault.headers.get('content-type')).toBe('application/problem+json');
    expect(await (await dashboard.request('/', {}, env)).text()).toBe('dashboard');
  });
});

describe('passcodes', () => {
  it('never appear in full in any answer: registered, posted, in a link or changed', async () => {
    const secrets = ['662810', '424242', 'Sup3rS3cretTok', '515151'];
    f.store.matcher.ingestPage(
      [{ source: 'reddit', sourceId: 'link', text: 'https://westfield.zoom.us/j/84512397260?pwd=Sup3rS3cretTok pw 424242', links: ['https://westfield.zoom.us/j/84512397260?pwd=Sup3rS3cretTok'], createdAt: NOW.toISOString() }],
      { now: NOW },
    );
    const answers = [
      await f.call('POST', '/v1/meetings', { json: { platform: 'zoom', meetingId: 'https://westfield.zoom.us/j/84599990000?pwd=515151', ownerEmail: 'a@westfield.example' } }),
      await f.call('PATCH', `/v1/meetings/${f.a.meetingId}`, { json: { passcode: '424242' } }),
      await f.call('POST', '/v1/meetings/import', { raw: 'platform,meeting_id,owner_email,passcode\nzoom,845 3333 4444,a@westfield.example,515151\n', contentType: 'text/csv' }),
    ];
    for (const route of ROUTES.filter((r) => r.method === 'get')) {
      answers.push(await f.call('GET', route.path.replace('{id}', String(route.params ? idFor(f.a, route.path) : 0))));
    }
    expect(answers.every((a) => a.status < 300)).toBe(true);
    const leak = answers.find((a) => Array.isArray(a.body?.sightings));
    expect(leak?.body.sightings.length).toBeGreaterThanOrEqual(2);
    for (const answer of answers) for (const secret of secrets) expect(answer.text).not.toContain(secret);
  });
});
