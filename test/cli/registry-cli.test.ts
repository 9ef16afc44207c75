import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runMain, tempDir } from '../support/cli.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';
import { startHttpServer } from '../support/http-server.js';

let dns: DnsTestServer;
beforeAll(async () => (dns = await startDnsServer()));
afterAll(() => dns.close());

let dir: string;
let cleanup: () => void;
let db: string;
let config: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = join(dir, 'leakwatch.db');
  config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ verification: { dnsServers: [dns.address], dnsTimeoutMs: 500 }, web: { publicUrl: 'https://leakwatch.test' } }));
});
afterEach(() => cleanup());

/** Runs leakwatch in-process on this test's database and config. */
async function lw(args: string[], input = '') {
  return runMain([...args, '--db', db, '--config', config, '--log-level', 'silent'], input);
}
async function json<T = any>(args: string[], input = ''): Promise<T> {
  const result = await lw([...args, '--json'], input);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe('the registry and the pipeline from the command line', () => {
  it('registers, verifies by DNS, ingests, lists and resolves a leak', async () => {
    const org = await json(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example']);
    expect(org).toMatchObject({ id: 1, name: 'Westfield High', admins: ['it@westfield.example'] });

    const added = await json(['identifier', 'add', '--org', '1', '--kind', 'email-domain', '--value', 'westfield.example']);
    expect(added).toMatchObject({ kind: 'email-domain', value: 'westfield.example', status: 'pending' });
    dns.setTxt('westfield.example', [`leakwatch-verification=${added.token}`]);
    expect(await json(['identifier', 'verify', '--org', '1', '--value', 'westfield.example', '--method', 'dns'])).toMatchObject({ status: 'verified', method: 'dns' });

    const meeting = await json(['meeting', 'add', '--org', '1', '--platform', 'zoom', '--id', '845 1239 7260', '--owner', 'teacher@westfield.example', '--passcode', '662810', '--title', 'Year 9 Maths']);
    expect(meeting).toMatchObject({ platform: 'zoom', meetingId: '84512397260', hasPasscode: true, retroHunt: { references: 0 } });
    expect(JSON.stringify(meeting)).not.toContain('662810');

    const posts = [
      JSON.stringify({ id: 'a1', text: 'maths zoom lol Meeting ID: 845 1239 7260 Passcode: 662810', url: 'https://www.reddit.com/r/x/comments/a1/', author: 'kid', createdAt: '2026-09-01T10:00:00Z' }),
      JSON.stringify({ id: 'a2', text: 'nothing to see' }),
    ].join('\n');
    const file = join(dir, 'posts.jsonl');
    writeFileSync(file, `${posts}\n`);
    expect(await json(['ingest', file, '--source', 'reddit'])).toEqual({ posts: 2, references: 1, leaks: 1, queued: 1, stored: 1, malformed: 0 });
    expect(await json(['ingest', file, '--source', 'reddit'])).toEqual({ posts: 2, references: 1, leaks: 0, queued: 0, stored: 0, malformed: 0 });

    const leaks = await json<Record<string, unknown>[]>(['leaks', 'list', '--org', '1']);
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({ id: 1, orgId: 1, platform: 'zoom', meetingId: '84512397260', severity: 'high', status: 'open', sightings: 1, firstSeen: '2026-09-01T10:00:00.000Z', lastSeen: '2026-09-01T10:00:00.000Z' });
    for (const key of ['id', 'orgId', 'platform', 'meetingId', 'severity', 'status', 'sightings', 'firstSeen', 'lastSeen']) expect(leaks[0]).toHaveProperty(key);

    expect(await json(['leaks', 'resolve', '1', '--org', '1', '--reason', 'recreated the meeting'])).toEqual({ id: 1, from: 'open', to: 'resolved' });
    expect(await json(['leaks', 'list', '--status', 'resolved'])).toHaveLength(1);
    const shown = await lw(['leaks', 'show', '1', '--org', '1']);
    expect(shown.stdout).toContain('passcode ••••••');
    expect(shown.stdout).not.toContain('662810');
  });

  it('reads posts from stdin and reports malformed lines with their numbers (exit 1)', async () => {
    await json(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example']);
    const input = ['{"id":"1","text":"meet.google.com/abc-defg-hij"}', 'not json', '{"id":"2"}', '[1,2]', ''].join('\n');
    const result = await lw(['ingest', '--source', 'manual', '--json'], input);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^stdin: line 2: not JSON/),
      'stdin: line 3: missing "text" (a string)',
      'stdin: line 4: not a JSON object',
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({ posts: 1, references: 1, malformed: 3 });
  });
});

describe('proving platform identifiers from the command line', () => {
  const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

  it('a Teams tenant by the tenant Microsoft names for a verified email domain; Zoom only by the operator; never by email', async () => {
    const login = await startHttpServer();
    try {
      writeFileSync(
        config,
        JSON.stringify({
          verification: { dnsServers: [dns.address], dnsTimeoutMs: 500, microsoftLoginUrl: `${login.url}/ms` },
          web: { publicUrl: 'https://leakwatch.test' },
          http: { allowPrivateHosts: true, retries: 0 },
        }),
      );
      await json(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example']);
      const domain = await json(['identifier', 'add', '--org', '1', '--kind', 'email-domain', '--value', 'westfield.example']);
      dns.setTxt('westfield.example', [`leakwatch-verification=${domain.token}`]);
      await json(['identifier', 'verify', '--org', '1', '--value', 'westfield.example', '--method', 'dns']);

      const tenant = await json(['identifier', 'add', '--org', '1', '--kind', 'teams-tenant', '--value', TENANT]);
      expect(tenant.instructions).toEqual([
        `Prove that tenant ${TENANT} is Westfield High's in one of two ways:`,
        `  tenant: once an email domain of Westfield High is verified, run: leakwatch identifier verify --org 1 --value ${TENANT} --method tenant`,
        `          (asks Microsoft which tenant each verified email domain belongs to; proven when one of them is ${TENANT})`,
        `  manual: the leakwatch operator, once satisfied that Westfield High controls it, runs: leakwatch identifier verify --org 1 --value ${TENANT} --method manual --note "how you know"`,
        'An email to the organisation\'s admins does not prove a Microsoft Teams account.',
      ]);
      const byEmail = await lw(['identifier', 'verify', '--org', '1', '--value', TENANT, '--method', 'email']);
      expect(byEmail).toMatchObject({ code: 1, stdout: '' });
      expect(byEmail.stderr).toContain(`teams-tenant ${TENANT} cannot be proven by email`);

      const path = '/ms/westfield.example/v2.0/.well-known/openid-configuration';
      login.route(path, (_, response) => void response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_tenant"}'));
      const unknown = await lw(['identifier', 'verify', '--org', '1', '--value', TENANT, '--method', 'tenant', '--json']);
      expect(unknown).toMatchObject({ code: 1, stdout: '' });
      expect(unknown.stderr).toContain(`leakwatch: teams-tenant ${TENANT} is not the tenant of any verified email domain of organisation 1: westfield.example belongs to no Microsoft tenant`);
      login.route(path, (_, response) => void response.writeHead(200).end(JSON.stringify({ issuer: `https://login.microsoftonline.com/${TENANT}/v2.0` })));
      expect(await json(['identifier', 'verify', '--org', '1', '--value', TENANT, '--method', 'tenant'])).toMatchObject({ kind: 'teams-tenant', status: 'verified', method: 'tenant' });

      const zoom = await lw(['identifier', 'add', '--org', '1', '--kind', 'zoom-subdomain', '--value', 'westfield.zoom.us']);
      expect(zoom.stdout).toContain('Zoom publishes nothing that ties westfield to a domain, so only the operator can prove it:');
      expect(zoom.stdout).toContain('leakwatch identifier verify --org 1 --value westfield --method manual --note "how you know"');
      const zoomByTenant = await lw(['identifier', 'verify', '--org', '1', '--value', 'westfield', '--method', 'tenant']);
      expect(zoomByTenant.code).toBe(1);
      expect(zoomByTenant.stderr).toContain('--method tenant proves a teams-tenant only; zoom-subdomain westfield: Zoom publishes nothing');
      expect(login.requests.map((r) => r.url)).toEqual([path, path]);
    } finally {
      await login.close();
    }
  });
});

describe('identifier conflicts', () => {
  it('lists, for the operator, every identifier claimed by more than one organisation, with each claim', async () => {
    expect((await lw(['identifier', 'conflicts'])).stdout).toBe('no identifier is claimed by more than one organisation\n');
    await json(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example']);
    await json(['org', 'add', '--name', 'Lincoln High', '--admin', 'it@lincolnhigh.example']);
    await json(['identifier', 'add', '--org', '1', '--kind', 'zoom-subdomain', '--value', 'lincolnhigh']);
    await json(['identifier', 'add', '--org', '1', '--kind', 'webex-site', '--value', 'westfield']);
    await json(['identifier', 'add', '--org', '2', '--kind', 'zoom-subdomain', '--value', 'lincolnhigh.zoom.us']);
    await json(['identifier', 'add', '--org', '2', '--kind', 'email-domain', '--value', 'lincolnhigh.example']);
    await json(['identifier', 'add', '--org', '1', '--kind', 'email-domain', '--value', 'lincolnhigh.example']);
    await json(['identifier', 'verify', '--org', '2', '--value', 'lincolnhigh', '--method', 'manual', '--note', 'saw the Zoom admin console']);

    const time = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await json(['identifier', 'conflicts'])).toEqual([
      {
        kind: 'email-domain',
        value: 'lincolnhigh.example',
        provenByOrgId: null,
        claims: [
          { identifierId: 4, orgId: 2, orgName: 'Lincoln High', status: 'pending', method: null, claimedAt: time, verifiedAt: null },
          { identifierId: 5, orgId: 1, orgName: 'Westfield High', status: 'pending', method: null, claimedAt: time, verifiedAt: null },
        ],
      },
      {
        kind: 'zoom-subdomain',
        value: 'lincolnhigh',
        provenByOrgId: 2,
        claims: [
          { identifierId: 1, orgId: 1, orgName: 'Westfield High', status: 'pending', method: null, claimedAt: time, verifiedAt: null },
          { identifierId: 3, orgId: 2, orgName: 'Lincoln High', status: 'verified', method: 'manual', claimedAt: time, verifiedAt: time },
        ],
      },
    ]);
    const text = await lw(['identifier', 'conflicts']);
    expect(text.stdout).toMatch(/^zoom-subdomain lincolnhigh: 2 claims, proven by organisation 2\n  organisation 1 \(Westfield High\): pending, claimed \S+\n  organisation 2 \(Lincoln High\): verified \(manual\) \S+, claimed \S+$/m);
  });
});

describe('replies', () => {
  it('a passcode in a reply (`replyTo`, a string or number) joins the leak of the post it replies to, whichever line comes first', async () => {
    await json(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example']);
    await json(['meeting', 'add', '--org', '1', '--platform', 'zoom', '--id', '861 2290 4418', '--owner', 'teacher@westfield.example', '--passcode', '4321']);
    const reply = JSON.stringify({ id: 4101, text: 'pw is 4321', replyTo: 4100, createdAt: '2026-09-01T10:01:00Z' });
    const parent = JSON.stringify({ id: 4100, text: 'Zoom meeting ID: 861 2290 4418', createdAt: '2026-09-01T10:00:00Z' });
    expect(await json(['ingest', '--source', 'hackernews'], `${reply}\n`)).toMatchObject({ posts: 1, stored: 1, references: 0, leaks: 0 });
    expect(await json(['ingest', '--source', 'hackernews'], `${parent}\n${reply}\n`)).toMatchObject({ posts: 2, stored: 1, references: 1, leaks: 1 });
    const [leak] = await json<Record<string, unknown>[]>(['leaks', 'list', '--org', '1']);
    expect(leak).toMatchObject({ sightings: 2, severity: 'high' });
    expect(leak!.reasons).toContain('the passcode is exposed and matches the registered one');
    const shown = await lw(['leaks', 'show', '1', '--org', '1', '--json']);
    expect(shown.stdout).not.toContain('4321');
  });

  it('a "replyTo" that is not an id is a malformed line', async () => {
    const result = await lw(['ingest', '--source', 'manual', '--json'], '{"id":"1","text":"pw 4321","replyTo":{"id":2}}\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('stdin: line 1: "replyTo" must be the id (a string or number) of the post it replies to');
  });
});

describe('bad input: a clear error, nothing stored', () => {
  it.each([
    [['org', 'add', '--name', 'Riverside', '--admin', 'not-an-email'], 1, '"not-an-email" is not a valid admin email address'],
    [['identifier', 'add', '--org', '1', '--kind', 'myspace', '--value', 'x'], 1, 'unsupported identifier kind "myspace"'],
    [['identifier', 'add', '--org', '7', '--kind', 'email-domain', '--value', 'x.example'], 1, 'no organisation with id 7'],
    [['identifier', 'add', '--org', 'abc', '--kind', 'email-domain', '--value', 'x.example'], 2, '--org must be an organisation id'],
    [['meeting', 'add', '--org', '1', '--platform', 'zoom', '--id', '12', '--owner', 'a@westfield.example'], 1, '"12" is not a zoom meeting number'],
    [['meeting', 'add', '--org', '1', '--platform', 'myspace', '--id', '12', '--owner', 'a@westfield.example'], 1, 'unsupported platform "myspace"'],
    [['meeting', 'add', '--org', '1', '--id', 'https://example.com/x', '--owner', 'a@westfield.example'], 1, 'is not a meeting link leakwatch recognises'],
    [['meeting', 'add', '--org', '1', '--platform', 'zoom', '--id', '84512397260', '--owner', 'a@westfield.example', '--starts', 'tomorrow'], 1, 'the meeting start "tomorrow" is not an ISO-8601 date'],
    [['meeting', 'add', '--org', '1', '--platform', 'zoom', '--id', '84512397260', '--owner', 'a@westfield.example', '--recurrence', 'BYDAY=XX;COUNT=abc'], 1,
      'the recurrence "BYDAY=XX;COUNT=abc" is not an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO: BYDAY: "XX" is not a weekday'],
    [['meeting', 'add', '--org', '1', '--platform', 'zoom', '--id', '84512397260', '--owner', 'a@westfield.example', '--recurrence', 'FREQ=SOMETIMES'], 1,
      'FREQ: "SOMETIMES" is not one of SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY'],
    [['meeting', 'add', '--org', '1', '--platform', 'zoom', '--id', '84512397260', '--owner', 'a@westfield.example', '--time-zone', 'Europe/Londn'], 1,
      'the time zone "Europe/Londn" is not an IANA zone name such as Europe/London'],
    [['org', 'add', '--name', 'X'], 2, "error: required option '--admin <email>' not specified"],
    [['leaks', 'list', '--status', 'panicking'], 2, '--status must be one of open, notified, acknowledged, resolved, ignored'],
    [['ingest', 'missing.jsonl', '--source', 'reddit'], 2, 'cannot read missing.jsonl: no such file'],
  ])('leakwatch %j exits %i', async (args, code, message) => {
    await json(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example']);
    const result = await lw(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
    expect(await json(['meeting', 'list', '--org', '1'])).toEqual([]);
  });

  it('an unreachable DNS server leaves the identifier pending and says to try again', async () => {
    await json(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example']);
    await json(['identifier', 'add', '--org', '1', '--kind', 'email-domain', '--value', 'quiet.example']);
    dns.setMode('quiet.example', 'silent');
    const result = await lw(['identifier', 'verify', '--org', '1', '--value', 'quiet.example']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/could not check DNS for quiet\.example: .*nothing changed, try again/);
    expect(await json(['identifier', 'list', '--org', '1'])).toEqual([expect.objectContaining({ value: 'quiet.example', status: 'pending' })]);
  });

  it("an organisation cannot act on another's leak", async () => {
    await json(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example']);
    await json(['org', 'add', '--name', 'Lincoln Academy', '--admin', 'it@lincoln.example']);
    await json(['meeting', 'add', '--org', '2', '--id', 'https://meet.google.com/abc-defg-hij', '--owner', 'head@lincoln.example']);
    await json(['ingest', '--source', 'manual'], '{"id":"1","text":"meet.google.com/abc-defg-hij"}\n');
    const result = await lw(['leaks', 'ignore', '1', '--org', '1', '--reason', 'not ours']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('organisation 1 has no leak 1');
    expect(await json(['leaks', 'list', '--org', '1'])).toEqual([]);
    expect(await json(['leaks', 'list', '--org', '2'])).toEqual([expect.objectContaining({ status: 'open' })]);
  });
});
