/**
 * API tokens on the dashboard: an admin makes one (shown once, never again,
 * only its hash stored), the API takes it, the admin revokes it and the API
 * refuses it; organisers may not, and nobody reaches another organisation's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addOrganiser } from '../../src/registry/organisations.js';
import { school, tempStore, type TestStore } from '../support/store.js';
import { dashboardApp, signedIn, type TestWeb } from '../support/web.js';

let store: TestStore;
let web: TestWeb;
let orgId: number;

beforeEach(() => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  web = dashboardApp(store);
});
afterEach(() => store.cleanup());

const api = (token: string) => web.app.request('/api/v1/organisation', { headers: { authorization: `Bearer ${token}` } });

describe('API tokens on the dashboard', () => {
  it('makes a token shown once, which the API takes, and revokes it, after which the API refuses it', async () => {
    const admin = await signedIn(web, store, 'it@westfield.example');
    expect((await admin.get(`/orgs/${orgId}/tokens`)).body).toContain('No tokens yet.');
    const made = await admin.post(`/orgs/${orgId}/tokens`, { name: 'timetable <b>sync</b>', scope: 'read' });
    expect(made.status).toBe(200);
    expect(made.response.headers.get('cache-control')).toBe('no-store');
    const token = /<code class="token">(lw_[A-Za-z0-9_-]+)<\/code>/.exec(made.body)?.[1];
    expect(token).toBeDefined();
    expect(made.body).toContain('timetable &lt;b&gt;sync&lt;/b&gt;');
    expect((await api(token!)).status).toBe(200);

    // Never shown again, and not in the database.
    const listed = await admin.get(`/orgs/${orgId}/tokens`);
    expect(listed.body).not.toContain(token!);
    expect(JSON.stringify(store.db.prepare('SELECT * FROM api_tokens').all())).not.toContain(token!.slice(3));

    const id = store.db.prepare('SELECT id FROM api_tokens').pluck().get() as number;
    const revoked = await admin.post(`/orgs/${orgId}/tokens/${id}/revoke`);
    expect(revoked.status).toBe(303);
    expect((await api(token!)).status).toBe(401);
    expect((await admin.get(`/orgs/${orgId}/tokens`)).body).toMatch(/revoked \d{4}-\d{2}-\d{2}/);
    // Revoking twice says so and changes nothing.
    expect((await admin.post(`/orgs/${orgId}/tokens/${id}/revoke`)).status).toBe(409);
  });

  it('refuses organisers (403), a bad scope or name (400, naming it), and a form without its CSRF token (403)', async () => {
    addOrganiser(store.db, orgId, 'teacher@westfield.example', 'test');
    const organiser = await signedIn(web, store, 'teacher@westfield.example');
    expect((await organiser.get(`/orgs/${orgId}/tokens`)).status).toBe(403);
    expect((await organiser.post(`/orgs/${orgId}/tokens`, { name: 'mine', scope: 'write' })).status).toBe(403);

    const admin = await signedIn(web, store, 'it@westfield.example');
    await admin.get(`/orgs/${orgId}/tokens`);
    const badScope = await admin.post(`/orgs/${orgId}/tokens`, { name: 'sync', scope: 'admin' });
    expect(badScope.status).toBe(400);
    expect(badScope.body).toContain('scope must be read or write');
    expect((await admin.post(`/orgs/${orgId}/tokens`, { name: ' ', scope: 'read' })).status).toBe(400);
    expect((await admin.post(`/orgs/${orgId}/tokens`, { name: 'sync', scope: 'read' }, { csrf: false })).status).toBe(403);
    expect(store.db.prepare('SELECT count(*) FROM api_tokens').pluck().get()).toBe(0);
  });
});
