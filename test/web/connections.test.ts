/**
 * Platform connections on the dashboard: an admin connects the school's Zoom
 * account (credentials tried first, stored only encrypted, never shown
 * again), sees it synchronised, syncs it again, and disconnects it;
 * organisers and other organisations are kept out.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listConnections } from '../../src/connect/connections.js';
import { addOrganiser } from '../../src/registry/organisations.js';
import { school, tempStore, type TestStore } from '../support/store.js';
import { dashboardApp, signedIn, type TestWeb } from '../support/web.js';
import { seedSchool, startZoomServer, type ZoomServer, zoomSessions } from '../support/zoom-server.js';

let store: TestStore;
let zoom: ZoomServer;
let web: TestWeb;
let orgId: number;
let otherOrg: number;
const key = randomBytes(32);

beforeEach(async () => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  otherOrg = school(store, 'Eastfield', 'eastfield.example');
  zoom = await startZoomServer();
  seedSchool(zoom);
  web = dashboardApp(store, { connections: { key, sessions: zoomSessions(zoom) } });
});
afterEach(async () => {
  await zoom.close();
  store.cleanup();
});

const form = (overrides: Record<string, string> = {}) => ({ provider: 'zoom', account: zoom.account.accountId, client: zoom.account.clientId, secret: zoom.account.clientSecret, ...overrides });

describe('connections on the dashboard', () => {
  it('connects Zoom (tried first, stored encrypted, never shown), syncs, and disconnects', async () => {
    const admin = await signedIn(web, store, 'it@westfield.example');
    const page = await admin.get(`/orgs/${orgId}/connections`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Connect Zoom');
    expect(page.body).toContain('type="password"');

    // A secret Zoom refuses is not stored, and not shown back.
    const refused = await admin.post(`/orgs/${orgId}/connections`, form({ secret: 'wrong-secret-value-123' }));
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('nothing stored');
    expect(refused.body).not.toContain('wrong-secret-value-123');
    expect(listConnections(store.db, orgId)).toHaveLength(0);

    const connected = await admin.post(`/orgs/${orgId}/connections`, form({ rotation: 'on' }));
    expect(connected.status).toBe(200);
    expect(connected.response.headers.get('cache-control')).toBe('no-store');
    expect(connected.body).toContain(`Zoom account ${zoom.account.accountId} is connected. Synchronised: 4 meeting(s) added`);
    expect(connected.body).toContain('rotation was allowed, but the app lacks meeting:update:meeting:admin');
    expect(connected.body).not.toContain(zoom.account.clientSecret);
    const [connection] = listConnections(store.db, orgId);
    expect(connection).toMatchObject({ provider: 'zoom', status: 'ok', meetings: 4, writeOptIn: true });
    expect(readFileSync(store.path).toString('latin1')).not.toContain(zoom.account.clientSecret);
    expect(JSON.stringify(store.db.prepare('SELECT * FROM audit_log').all())).not.toContain(zoom.account.clientSecret);

    const synced = await admin.post(`/orgs/${orgId}/connections/${connection!.id}/sync`);
    expect(synced.body).toContain('Synchronised: 0 meeting(s) added, 4 updated');
    zoom.revoked = true;
    zoom.expireTokens();
    const failed = await admin.post(`/orgs/${orgId}/connections/${connection!.id}/sync`);
    expect(failed.body).toContain('The sync was refused');

    const removed = await admin.post(`/orgs/${orgId}/connections/${connection!.id}/remove`);
    expect(removed.body).toContain('disconnected, with its 4 meeting(s)');
    expect(listConnections(store.db, orgId)).toHaveLength(0);
  });

  it('keeps organisers out (403), other organisations out (404), and says when no key is set', async () => {
    const eastfield = await signedIn(web, store, 'it@eastfield.example');
    await eastfield.get(`/orgs/${otherOrg}/connections`);
    await eastfield.post(`/orgs/${otherOrg}/connections`, form());
    const theirs = listConnections(store.db, otherOrg)[0]!.id;

    addOrganiser(store.db, orgId, 'teacher@westfield.example', 'test');
    const teacher = await signedIn(web, store, 'teacher@westfield.example');
    expect((await teacher.get(`/orgs/${orgId}/connections`)).status).toBe(403);
    const admin = await signedIn(web, store, 'it@westfield.example');
    await admin.get(`/orgs/${orgId}/connections`);
    for (const action of ['sync', 'remove']) {
      expect((await admin.post(`/orgs/${orgId}/connections/${theirs}/${action}`)).status).toBe(404);
      expect((await admin.post(`/orgs/${otherOrg}/connections/${theirs}/${action}`)).status).toBe(404);
    }
    expect((await admin.get(`/orgs/${otherOrg}/connections`)).status).toBe(404);
    expect(listConnections(store.db, otherOrg)).toHaveLength(1);

    const keyless = dashboardApp(store);
    const someone = await signedIn(keyless, store, 'it@westfield.example');
    expect((await someone.get(`/orgs/${orgId}/connections`)).body).toContain('has not set LEAKWATCH_SECRET_KEY');
    expect((await someone.post(`/orgs/${orgId}/connections`, form())).status).toBe(409);
  });
});
