/**
 * A person of one organisation asking for anything of another gets 404 —
 * the answer for an id that does not exist — and nothing changes. Every
 * route of the dashboard that takes an id is walked, with the other
 * organisation's ids and with its ids under the person's own organisation.
 */
import { createToken } from '../../src/api/tokens.js';
import { subscribeFeed } from '../../src/registry/calendar-feeds.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { listLeaks } from '../../src/match/leaks.js';
import { listIdentifiers } from '../../src/registry/identifiers.js';
import { addWebhook } from '../../src/registry/webhooks.js';
import { createConnection } from '../../src/connect/connections.js';
import { randomBytes } from 'node:crypto';
import { tempStore, type TestStore } from '../support/store.js';
import { dashboardApp, signedIn, type TestWeb } from '../support/web.js';

let store: TestStore;
let web: TestWeb;

beforeEach(() => {
  store = tempStore();
  web = dashboardApp(store);
});
afterEach(() => store.cleanup());

/** Everything a request could change, as rows (sessions aside: a request refreshes its own). */
function snapshot(): string {
  const tables = ['organisations', 'contacts', 'identifiers', 'meetings', 'leaks', 'leak_events', 'outbox', 'audit_log', 'unsubscribes', 'people', 'sign_in_tokens', 'api_tokens', 'calendar_feeds', 'org_settings', 'org_webhooks', 'connections'];
  return JSON.stringify(tables.map((t) => store.db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()));
}

function setUp(name: string, domain: string, meetingId: string) {
  const id = store.db.prepare('INSERT INTO organisations (name) VALUES (?) RETURNING id').pluck().get(name) as number;
  store.db.prepare("INSERT INTO contacts (org_id, email, role) VALUES (?, ?, 'admin')").run(id, `it@${domain}`);
  store.db.prepare("INSERT INTO identifiers (org_id, kind, value, created_at) VALUES (?, 'email-domain', ?, ?)").run(id, domain, web.clock.now.toISOString());
  const { meeting } = store.registration.addMeeting({ orgId: id, platform: 'zoom', meetingId, ownerEmail: `teacher@${domain}` }, 'test', web.clock.now);
  store.matcher.ingestPage([{ source: 'reddit', sourceId: `p${meetingId}`, url: null, author: 'a', createdAt: web.clock.now.toISOString(), text: `zoom.us/j/${meetingId}` }], { now: web.clock.now });
  const feed = subscribeFeed(store.db, { orgId: id, url: `https://calendar.${domain}/private/s3cret.ics` }, { allowPrivateHosts: false }, 'test').id;
  const token = createToken(store.db, { orgId: id, name: 'sync', scope: 'write', actor: 'test' }).apiToken.id;
  const webhook = addWebhook(store.db, { orgId: id, url: `https://hooks.${domain}/services/s3cret` }, { allowPrivateHosts: false }, 'installation-secret', 'test').webhook.id;
  const connection = createConnection(store.db, { orgId: id, provider: 'zoom', accountId: `acct-${domain}`, clientId: 'client', secret: 's3cret', scopes: [], writeOptIn: false }, randomBytes(32), 'test').id;
  return { id, identifier: listIdentifiers(store.db, id)[0]!.id, meeting: meeting.id, leak: listLeaks(store.db, { orgId: id })[0]!.id, token, feed, webhook, connection };
}

it('answers 404 to every route with another organisation\'s ids, and changes nothing', async () => {
  const mine = setUp('Westfield High', 'westfield.example', '84512397260');
  const theirs = setUp('Eastfield <i>High</i>', 'eastfield.example', '84512397261');
  const browser = await signedIn(web, store, 'it@westfield.example');

  const walks: [method: 'GET' | 'POST', path: string, form?: Record<string, string>][] = [];
  for (const [org, identifier, meeting, leak, token, feed, webhook, connection] of [
    [theirs.id, theirs.identifier, theirs.meeting, theirs.leak, theirs.token, theirs.feed, theirs.webhook, theirs.connection],
    // Their identifier, meeting, token, feed, webhook and connection under my organisation.
    [mine.id, theirs.identifier, theirs.meeting, theirs.leak, theirs.token, theirs.feed, theirs.webhook, theirs.connection],
  ]) {
    walks.push(
      ['GET', `/orgs/${org}`],
      ['GET', `/orgs/${org}/meetings`],
      ['GET', `/orgs/${org}/leaks`],
      ['GET', `/leaks/${leak}`],
      ['POST', `/orgs/${org}/identifiers`, { kind: 'email-domain', value: 'evil.example' }],
      ['POST', `/orgs/${org}/identifiers/${identifier}/dns-token`],
      ['POST', `/orgs/${org}/identifiers/${identifier}/check`],
      ['POST', `/orgs/${org}/identifiers/${identifier}/email`, { address: 'admin@eastfield.example' }],
      ['POST', `/orgs/${org}/people`, { email: 'evil@evil.example', role: 'admin' }],
      ['POST', `/orgs/${org}/people/remove`, { email: 'it@eastfield.example', role: 'admin' }],
      ['POST', `/orgs/${org}/meetings`, { meeting: '84512397299', platform: 'zoom', owner: 'evil@evil.example' }],
      ['GET', `/orgs/${org}/meetings/${meeting}`],
      ['POST', `/orgs/${org}/meetings/${meeting}`, { title: 'evil', owner: 'evil@evil.example', passcode: '123456' }],
      ['POST', `/orgs/${org}/meetings/${meeting}/remove`],
      ['POST', `/orgs/${org}/meetings/import`, { csv: 'platform,meeting_id,owner_email\nzoom,84512397298,evil@evil.example\n' }],
      ['POST', `/leaks/${leak}/status`, { to: 'ignored', reason: 'not ours' }],
      ['GET', `/orgs/${org}/tokens`],
      ['POST', `/orgs/${org}/tokens`, { name: 'evil', scope: 'write' }],
      ['POST', `/orgs/${org}/tokens/${token}/revoke`],
      ['POST', `/orgs/${org}/feeds`, { url: 'https://calendar.evil.example/x.ics' }],
      ['POST', `/orgs/${org}/feeds/${feed}/remove`],
      ['GET', `/orgs/${org}/settings`],
      ['POST', `/orgs/${org}/settings`, { digestHours: '1', dailyCap: '1', escalateAfterMinutes: '' }],
      ['POST', `/orgs/${org}/webhooks`, { url: 'https://hooks.evil.example/x' }],
      ['POST', `/orgs/${org}/webhooks/${webhook}/test`],
      ['POST', `/orgs/${org}/webhooks/${webhook}/key`],
      ['POST', `/orgs/${org}/webhooks/${webhook}/remove`],
      ['GET', `/orgs/${org}/connections`],
      ['POST', `/orgs/${org}/connections`, { provider: 'zoom', account: 'evil', client: 'evil', secret: 'evil' }],
      ['POST', `/orgs/${org}/connections/${connection}/sync`],
      ['POST', `/orgs/${org}/connections/${connection}/remove`],
    );
  }
  // The walks under my own organisation that are mine to see are not 404s: drop them.
  const expected = walks.filter(([, path]) => !(path.startsWith(`/orgs/${mine.id}`) && !/\/(identifiers|meetings|tokens|feeds|webhooks|connections)\/\d+(\/|$)/.test(path)));

  // Every dashboard route with an id in its path is walked: a new route has to be added here. (The API's
  // routes, mounted under /api, are walked with tokens of another organisation in test/api/isolation.test.ts.)
  const withIds = new Set(web.app.routes.filter((r) => /:(id|identifier|meeting|tokenId|feed|webhookId|connection)/.test(r.path) && r.method !== 'ALL' && !r.path.startsWith('/api/')).map((r) => `${r.method} ${r.path}`));
  const walked = new Set(expected.filter(([, path]) => path.includes(String(theirs.id)) || path.startsWith('/leaks/')).map(([method, path]) => `${method} ${path.replace(/\/orgs\/\d+/, '/orgs/:id').replace(/\/leaks\/\d+/, '/leaks/:id').replace(/identifiers\/\d+/, 'identifiers/:identifier').replace(/meetings\/\d+/, 'meetings/:meeting').replace(/tokens\/\d+/, 'tokens/:tokenId').replace(/feeds\/\d+/, 'feeds/:feed').replace(/webhooks\/\d+/, 'webhooks/:webhookId').replace(/connections\/\d+/, 'connections/:connection')}`));
  expect([...withIds].sort()).toEqual([...walked].sort());

  const before = snapshot();
  const page = await browser.get('/');
  expect(page.body).not.toContain('Eastfield');
  for (const [method, path, form] of expected) {
    const answer = method === 'GET' ? await browser.get(path) : await browser.post(path, form ?? {});
    expect(answer.status, `${method} ${path}`).toBe(404);
    expect(answer.body, `${method} ${path}`).not.toContain('Eastfield');
    // Keep a page with the CSRF token for the next POST (a 404 page carries one too).
    expect(browser.csrf()).not.toBe('');
  }
  expect(snapshot()).toBe(before);

  // The same walk with ids that exist nowhere answers the same.
  for (const path of ['/orgs/999999', '/leaks/999999', '/orgs/abc', '/leaks/0', '/orgs/1e3']) expect((await browser.get(path)).status, path).toBe(404);
  // And my own organisation's pages do work: the 404s above are not a broken session.
  expect((await browser.get(`/orgs/${mine.id}`)).status).toBe(200);
  expect((await browser.get(`/leaks/${mine.leak}`)).status).toBe(200);
});

it('an operator sees every organisation', async () => {
  const theirs = setUp('Eastfield High', 'eastfield.example', '84512397261');
  store.db.prepare("INSERT INTO people (email, operator, created_at) VALUES ('ops@leakwatch.test', 1, ?)").run(web.clock.now.toISOString());
  const operator = await signedIn(web, store, 'ops@leakwatch.test');
  expect((await operator.get('/')).body).toContain('Eastfield High');
  expect((await operator.get(`/leaks/${theirs.leak}`)).status).toBe(200);
});
