import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addIdentifier,
  confirmVerificationToken,
  hashToken,
  listIdentifiers,
  reissueDnsToken,
  sendVerificationEmail,
  verifyByDns,
  verifyByTenant,
  verifyManually,
} from '../../src/registry/identifiers.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { createOrganisation } from '../../src/registry/organisations.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { count, school, tempStore, VERIFICATION, type TestStore } from '../support/store.js';

let dns: DnsTestServer;
beforeAll(async () => (dns = await startDnsServer()));
afterAll(() => dns.close());

let store: TestStore;
beforeEach(() => (store = tempStore()));
afterEach(() => store.cleanup());

const NOW = new Date('2026-09-01T12:00:00Z');
const settings = () => ({ ...VERIFICATION, dnsServers: [dns.address], dnsTimeoutMs: 300 });
const noop = () => {};

function newOrg(name = 'Westfield High', admin = 'it@westfield.example'): number {
  return createOrganisation(store.db, { name, admins: [admin] }, 'test').id;
}

describe('registering identifiers', () => {
  it('prints the DNS token once and stores only its hash', () => {
    const org = newOrg();
    const added = addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'Westfield.Example' }, settings(), 'test', NOW);
    expect(added.identifier).toMatchObject({ kind: 'email-domain', value: 'westfield.example', status: 'pending', tokenExpiresAt: '2026-09-04T12:00:00.000Z' });
    expect(added.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(added.instructions.join('\n')).toContain(`westfield.example.  TXT  "leakwatch-verification=${added.token}"`);
    const dump = JSON.stringify(store.db.prepare('SELECT * FROM identifiers').all());
    expect(dump).not.toContain(added.token!);
    expect(dump).toContain(hashToken(added.token!));
  });

  it('refuses a second claim by the same organisation', () => {
    const a = newOrg();
    addIdentifier(store.db, { orgId: a, kind: 'zoom-subdomain', value: 'westfield' }, settings(), 'test');
    expect(() => addIdentifier(store.db, { orgId: a, kind: 'zoom-subdomain', value: 'westfield.zoom.us' }, settings(), 'test')).toThrow(
      'zoom-subdomain westfield is already registered to this organisation',
    );
  });

  it('refuses unknown organisations, unsupported kinds and invalid values, storing nothing', () => {
    const org = newOrg();
    expect(() => addIdentifier(store.db, { orgId: 99, kind: 'email-domain', value: 'x.example' }, settings(), 'test')).toThrow('no organisation with id 99');
    expect(() => addIdentifier(store.db, { orgId: org, kind: 'slack-workspace', value: 'x' }, settings(), 'test')).toThrow('unsupported identifier kind "slack-workspace"');
    expect(() => addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'not a domain' }, settings(), 'test')).toThrow('"not a domain" is not an email domain');
    expect(count(store.db, 'identifiers')).toBe(0);
  });
});

describe('claims: not exclusive until proven', () => {
  it('a pending claim does not block another organisation; each claim has its own DNS token', () => {
    const squatter = newOrg();
    const lincoln = newOrg('Lincoln High', 'it@lincolnhigh.example');
    const first = addIdentifier(store.db, { orgId: squatter, kind: 'email-domain', value: 'lincolnhigh.example' }, settings(), 'test');
    addIdentifier(store.db, { orgId: squatter, kind: 'zoom-subdomain', value: 'lincolnhigh' }, settings(), 'test');
    const second = addIdentifier(store.db, { orgId: lincoln, kind: 'email-domain', value: 'lincolnhigh.example' }, settings(), 'test');
    addIdentifier(store.db, { orgId: lincoln, kind: 'zoom-subdomain', value: 'lincolnhigh.zoom.us' }, settings(), 'test');
    expect(second.token).not.toBe(first.token);
    expect(listIdentifiers(store.db, lincoln).map((i) => [i.kind, i.value, i.status])).toEqual([
      ['email-domain', 'lincolnhigh.example', 'pending'],
      ['zoom-subdomain', 'lincolnhigh', 'pending'],
    ]);
  });

  it('proving an identifier another organisation holds proven is refused without naming it, and changes nothing', async () => {
    const squatter = newOrg();
    const lincoln = newOrg('Lincoln High', 'it@lincolnhigh.example');
    for (const org of [squatter, lincoln]) addIdentifier(store.db, { orgId: org, kind: 'zoom-subdomain', value: 'lincolnhigh' }, settings(), 'test');
    verifyManually(store.db, { orgId: lincoln, value: 'lincolnhigh' }, 'operator:alice', noop, NOW);
    let message = '';
    try {
      verifyManually(store.db, { orgId: squatter, value: 'lincolnhigh' }, 'operator:alice', noop, NOW);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^zoom-subdomain lincolnhigh is already proven by another organisation/);
    expect(message).not.toContain('Lincoln High');
    expect(listIdentifiers(store.db, squatter)[0]).toMatchObject({ status: 'pending', method: null });
    expect(count(store.db, 'audit_log', "action = 'identifier.vouched'")).toBe(1);

    // A domain proven by DNS: the other claimant's own TXT record does not take it over.
    const theirs = addIdentifier(store.db, { orgId: lincoln, kind: 'email-domain', value: 'lincolnhigh.example' }, settings(), 'test', NOW);
    const mine = addIdentifier(store.db, { orgId: squatter, kind: 'email-domain', value: 'lincolnhigh.example' }, settings(), 'test', NOW);
    expect(mine.instructions.join('\n')).not.toContain('another organisation');
    dns.setTxt('lincolnhigh.example', [`leakwatch-verification=${theirs.token}`, `leakwatch-verification=${mine.token}`]);
    await verifyByDns(store.db, { orgId: lincoln, value: 'lincolnhigh.example' }, settings(), 'test', noop, NOW);
    await expect(verifyByDns(store.db, { orgId: squatter, value: 'lincolnhigh.example' }, settings(), 'test', noop, NOW)).rejects.toThrow(
      /lincolnhigh\.example is already proven by another organisation/,
    );
    expect(() => sendVerificationEmail(store.db, { orgId: squatter, value: 'lincolnhigh.example' }, settings(), 'test', NOW)).toThrow(/already proven by another organisation/);
    expect(count(store.db, 'outbox')).toBe(0);
    // A claim made after another organisation proved it says it cannot be proven while that holds.
    const late = addIdentifier(store.db, { orgId: newOrg('Late High', 'it@late.example'), kind: 'zoom-subdomain', value: 'lincolnhigh' }, settings(), 'test');
    expect(late.instructions.join('\n')).toContain('another organisation has already proven control of zoom-subdomain lincolnhigh');
  });
});

describe('DNS verification against a real DNS server', () => {
  it('verifies with the right TXT record among others, and audits it', async () => {
    const org = newOrg();
    const { token } = addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'westfield.example' }, settings(), 'test', NOW);
    dns.setTxt('westfield.example', ['v=spf1 -all', `leakwatch-verification=${token}`, 'google-site-verification=abc']);
    const verified = await verifyByDns(store.db, { orgId: org, value: 'westfield.example' }, settings(), 'operator:alice', noop, NOW);
    expect(verified).toMatchObject({ status: 'verified', method: 'dns', verifiedBy: 'operator:alice', tokenExpiresAt: null });
    expect(count(store.db, 'audit_log', "action = 'identifier.verified' AND actor = 'operator:alice'")).toBe(1);
  });

  it('refuses a record with another token, leaving it pending', async () => {
    const org = newOrg();
    addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'wrong.example' }, settings(), 'test', NOW);
    dns.setTxt('wrong.example', ['leakwatch-verification=someone-elses-token']);
    await expect(verifyByDns(store.db, { orgId: org, value: 'wrong.example' }, settings(), 'test', noop, NOW)).rejects.toThrow(/does not carry the current token/);
    expect(listIdentifiers(store.db, org)[0]!.status).toBe('pending');
  });

  it('says when the record is missing', async () => {
    const org = newOrg();
    addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'missing.example' }, settings(), 'test', NOW);
    dns.setMode('missing.example', 'nxdomain');
    await expect(verifyByDns(store.db, { orgId: org, value: 'missing.example' }, settings(), 'test', noop, NOW)).rejects.toThrow(
      'no "leakwatch-verification=…" TXT record at missing.example yet',
    );
  });

  it('says DNS could not be asked when the server does not answer, and changes nothing', async () => {
    const org = newOrg();
    addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'silent.example' }, settings(), 'test', NOW);
    dns.setMode('silent.example', 'silent');
    await expect(verifyByDns(store.db, { orgId: org, value: 'silent.example' }, settings(), 'test', noop, NOW)).rejects.toThrow(
      /could not check DNS for silent\.example: .*time.*; nothing changed, try again/i,
    );
    expect(listIdentifiers(store.db, org)[0]!.status).toBe('pending');
  });

  it('refuses an expired token and issues a new one on request', async () => {
    const org = newOrg();
    const { token } = addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'late.example' }, settings(), 'test', NOW);
    dns.setTxt('late.example', [`leakwatch-verification=${token}`]);
    const later = new Date(NOW.getTime() + 73 * 3_600_000);
    await expect(verifyByDns(store.db, { orgId: org, value: 'late.example' }, settings(), 'test', noop, later)).rejects.toThrow(/expired at 2026-09-04T12:00:00.000Z/);
    const fresh = reissueDnsToken(store.db, { orgId: org, value: 'late.example' }, settings(), 'test', later);
    dns.setTxt('late.example', [`leakwatch-verification=${fresh.token}`]);
    await expect(verifyByDns(store.db, { orgId: org, value: 'late.example' }, settings(), 'test', noop, later)).resolves.toMatchObject({ status: 'verified' });
  });

  it('is refused for kinds that have no DNS name', async () => {
    const org = newOrg();
    addIdentifier(store.db, { orgId: org, kind: 'teams-tenant', value: '72f988bf-86f1-41af-91ab-2d7cd011db47' }, settings(), 'test');
    await expect(verifyByDns(store.db, { orgId: org, value: '72f988bf-86f1-41af-91ab-2d7cd011db47' }, settings(), 'test', noop)).rejects.toThrow(/has no DNS name to prove/);
  });
});

describe('email verification links', () => {
  function mailedToken(): string {
    const payload = JSON.parse(store.db.prepare("SELECT payload FROM outbox WHERE kind = 'verification' ORDER BY id DESC").pluck().get() as string) as { link: string };
    expect(payload.link).toMatch(/^https:\/\/leakwatch\.test\/verify\/[A-Za-z0-9_-]{43}$/);
    return payload.link.split('/').at(-1)!;
  }

  it('mails a single-use link to admin@ the domain; it verifies once', () => {
    const org = newOrg();
    addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'westfield.example' }, settings(), 'test', NOW);
    expect(sendVerificationEmail(store.db, { orgId: org, value: 'westfield.example' }, settings(), 'test', NOW)).toEqual({
      sentTo: ['admin@westfield.example'],
      expiresAt: '2026-09-04T12:00:00.000Z',
    });
    const token = mailedToken();
    expect(confirmVerificationToken(store.db, token, 'link', noop, NOW)).toMatchObject({ status: 'verified', method: 'email' });
    expect(() => confirmVerificationToken(store.db, token, 'link', noop, NOW)).toThrow('this verification link is unknown or has already been used');
  });

  it('refuses an expired link', () => {
    const org = newOrg();
    addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'westfield.example' }, settings(), 'test', NOW);
    sendVerificationEmail(store.db, { orgId: org, value: 'westfield.example', address: 'postmaster@westfield.example' }, settings(), 'test', NOW);
    const token = mailedToken();
    expect(() => confirmVerificationToken(store.db, token, 'link', noop, new Date('2026-09-05T00:00:00Z'))).toThrow('this verification link expired at 2026-09-04T12:00:00.000Z');
    expect(listIdentifiers(store.db, org)[0]!.status).toBe('pending');
  });

  it('sends only to the operator mailboxes of the domain', () => {
    const org = newOrg();
    addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'westfield.example' }, settings(), 'test');
    expect(() => sendVerificationEmail(store.db, { orgId: org, value: 'westfield.example', address: 'student@westfield.example' }, settings(), 'test')).toThrow(
      /goes only to admin@westfield\.example, administrator@westfield\.example, webmaster@westfield\.example, hostmaster@westfield\.example, postmaster@westfield\.example/,
    );
    expect(count(store.db, 'outbox')).toBe(0);
  });

  it("an admin's email proves no Zoom subdomain, Teams tenant or Webex site: nothing is mailed, and an earlier link does not confirm", () => {
    // Any organisation with a verified email domain could claim Lincoln High's Zoom subdomain and confirm it from its own mailbox.
    const squatter = school(store, 'Westfield High', 'westfield.example');
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    for (const [kind, value] of [['zoom-subdomain', 'lincolnhigh'], ['webex-site', 'lincolnhigh'], ['teams-tenant', tenant]]) {
      addIdentifier(store.db, { orgId: squatter, kind: kind!, value: value! }, settings(), 'test');
    }
    expect(() => sendVerificationEmail(store.db, { orgId: squatter, value: 'lincolnhigh.zoom.us' }, settings(), 'test')).toThrow(
      `zoom-subdomain lincolnhigh cannot be proven by email: an admin's mailbox proves nothing about a Zoom account; Zoom publishes nothing that ties a subdomain to a domain, so it is proven only when the leakwatch operator vouches for it once satisfied it is the organisation's (\`leakwatch identifier verify --org ${squatter} --value lincolnhigh --method manual --note "how you know"\`)`,
    );
    expect(() => sendVerificationEmail(store.db, { orgId: squatter, value: 'lincolnhigh.webex.com' }, settings(), 'test')).toThrow(/Webex publishes nothing .* --method manual/);
    expect(() => sendVerificationEmail(store.db, { orgId: squatter, value: tenant }, settings(), 'test')).toThrow(
      new RegExp(`teams-tenant ${tenant} cannot be proven by email: .*--method tenant\` once an email domain of the organisation is verified .*--method manual`),
    );
    expect(count(store.db, 'outbox')).toBe(0);

    // A link mailed to the admins before the change.
    store.db.prepare("UPDATE identifiers SET token_hash = ?, token_expires_at = '2999-01-01T00:00:00.000Z', token_purpose = 'email' WHERE kind = 'zoom-subdomain'").run(hashToken('old-link'));
    expect(() => confirmVerificationToken(store.db, 'old-link', 'email-link', noop)).toThrow(/^a mailed link no longer proves zoom-subdomain lincolnhigh: an admin's email proves nothing about a Zoom account/);
    expect(listIdentifiers(store.db, squatter).filter((i) => i.kind !== 'email-domain').map((i) => i.status)).toEqual(['pending', 'pending', 'pending']);
    expect(count(store.db, 'audit_log', "action = 'identifier.verified'")).toBe(0);
  });
});

describe('a Teams tenant proven by the tenant Microsoft publishes for a verified email domain', () => {
  const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const OTHER = '0b0b0b0b-1111-2222-3333-444455556666';
  let login: TestHttpServer;
  beforeEach(async () => (login = await startHttpServer()));
  afterEach(() => login.close());
  const http = () =>
    new HttpClient({ userAgent: 'leakwatch/test', contactUrl: 'https://leakwatch.test', timeoutMs: 1000, maxResponseBytes: 100_000, maxRedirects: 2, retries: 0, allowPrivateHosts: true, respectRobotsTxt: true });
  const tenantSettings = () => ({ ...settings(), microsoftLoginUrl: login.url });
  const path = (domain: string) => `/${domain}/v2.0/.well-known/openid-configuration`;
  /** What login.microsoftonline.com answers for a domain of a tenant. */
  const publishes = (domain: string, tenant: string) =>
    login.route(path(domain), (_, response) =>
      void response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ token_endpoint: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`, issuer: `https://login.microsoftonline.com/${tenant}/v2.0`, tenant_region_scope: 'EU' }),
      ),
    );
  const unknown = (domain: string) =>
    login.route(path(domain), (_, response) =>
      void response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${domain}' not found.` })),
    );
  function claim(options: { verified?: boolean } = {}): number {
    const org = school(store, 'Westfield High', 'westfield.example', options);
    addIdentifier(store.db, { orgId: org, kind: 'teams-tenant', value: TENANT }, settings(), 'test');
    return org;
  }
  const verify = (org: number, value = TENANT) => verifyByTenant(store.db, { orgId: org, value }, tenantSettings(), http(), 'operator:alice', noop, NOW);
  const tenantRow = (org: number) => listIdentifiers(store.db, org).find((i) => i.kind === 'teams-tenant')!;

  it('is proven when a verified email domain of the organisation belongs to the claimed tenant, and audited with that domain', async () => {
    const org = claim();
    addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'westfield-academy.example' }, settings(), 'test');
    verifyManually(store.db, { orgId: org, value: 'westfield-academy.example' }, 'test', noop);
    unknown('westfield-academy.example');
    publishes('westfield.example', TENANT);
    await expect(verify(org)).resolves.toMatchObject({ kind: 'teams-tenant', value: TENANT, status: 'verified', method: 'tenant', verifiedBy: 'operator:alice' });
    expect(store.db.prepare("SELECT detail FROM audit_log WHERE action = 'identifier.verified'").pluck().get()).toBe(
      JSON.stringify({ method: 'tenant', domain: 'westfield.example', document: `${login.url}${path('westfield.example')}` }),
    );
  });

  it('is refused when the domains belong to another tenant or to none, naming what Microsoft said', async () => {
    const org = claim();
    publishes('westfield.example', OTHER);
    await expect(verify(org)).rejects.toThrow(
      `teams-tenant ${TENANT} is not the tenant of any verified email domain of organisation ${org}: westfield.example belongs to tenant ${OTHER}; nothing changed`,
    );
    unknown('westfield.example');
    await expect(verify(org)).rejects.toThrow(`westfield.example belongs to no Microsoft tenant (${login.url} answered 400); nothing changed`);
    expect(tenantRow(org)).toMatchObject({ status: 'pending', method: null });
    expect(count(store.db, 'audit_log', "action = 'identifier.verified'")).toBe(0);
  });

  it('says what was wrong with an answer that is not an OpenID configuration, and changes nothing', async () => {
    const org = claim();
    login.route(path('westfield.example'), (_, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>'));
    await expect(verify(org)).rejects.toThrow(
      /^could not learn the Microsoft tenant of westfield\.example \(http:\/\/127\.0\.0\.1:\d+\/westfield\.example\/v2\.0\/\.well-known\/openid-configuration: expected JSON, got "<html>sign in<\/html>"…\); nothing changed, try again$/,
    );
    login.route(path('westfield.example'), (_, response) => void response.writeHead(200).end(JSON.stringify({ issuer: 'https://login.microsoftonline.com/common/v2.0' })));
    await expect(verify(org)).rejects.toThrow('westfield.example (its OpenID configuration names no tenant id in "issuer" or "token_endpoint"); nothing changed, try again');
    expect(tenantRow(org).status).toBe('pending');
  });

  it('says Microsoft could not be reached, and changes nothing', async () => {
    const org = claim();
    const closed = await startHttpServer();
    const url = closed.url;
    await closed.close();
    await expect(verifyByTenant(store.db, { orgId: org, value: TENANT }, { ...settings(), microsoftLoginUrl: url }, http(), 'test', noop, NOW)).rejects.toThrow(
      /^could not learn the Microsoft tenant of westfield\.example \(.*ECONNREFUSED.*\); nothing changed, try again$/,
    );
    expect(tenantRow(org).status).toBe('pending');
  });

  it('needs a verified email domain, a Teams tenant, and no other organisation holding it proven; asks nothing otherwise', async () => {
    const org = claim({ verified: false });
    await expect(verify(org)).rejects.toThrow(/is proven through a verified email domain of organisation \d+, which has none yet; verify one first/);
    addIdentifier(store.db, { orgId: org, kind: 'zoom-subdomain', value: 'westfield' }, settings(), 'test');
    await expect(verify(org, 'westfield.zoom.us')).rejects.toThrow(/^--method tenant proves a teams-tenant only; zoom-subdomain westfield: Zoom publishes nothing/);
    const other = school(store, 'Lincoln High', 'lincolnhigh.example');
    addIdentifier(store.db, { orgId: other, kind: 'teams-tenant', value: TENANT }, settings(), 'test');
    verifyManually(store.db, { orgId: other, value: TENANT }, 'test', noop);
    verifyManually(store.db, { orgId: org, value: 'westfield.example' }, 'test', noop);
    await expect(verify(org)).rejects.toThrow(/already proven by another organisation/);
    expect(login.requests).toEqual([]);
  });
});

describe('manual verification', () => {
  it('records the operator vouching in the audit log', () => {
    const org = newOrg();
    addIdentifier(store.db, { orgId: org, kind: 'webex-site', value: 'westfield.webex.com' }, settings(), 'test');
    verifyManually(store.db, { orgId: org, value: 'westfield', note: 'called the head of IT' }, 'operator:bob', noop, NOW);
    const entry = store.db.prepare("SELECT actor, subject, detail FROM audit_log WHERE action = 'identifier.vouched'").get();
    expect(entry).toEqual({ actor: 'operator:bob', subject: 'webex-site westfield', detail: '{"method":"manual","note":"called the head of IT"}' });
    expect(() => verifyManually(store.db, { orgId: org, value: 'westfield' }, 'operator:bob', noop)).toThrow(/already verified \(manual/);
  });
});
