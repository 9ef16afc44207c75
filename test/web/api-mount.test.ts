/**
 * The JSON API as `leakwatch run` serves it, beside the dashboard on one
 * port: its paths under `/api`, bearer tokens only (a dashboard session is no
 * key to it), problem documents for its errors, and the security headers of
 * every response.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createToken } from '../../src/api/tokens.js';
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

describe('the API mounted in the served app', () => {
  it('answers /api/v1 with a token of the organisation, and describes itself at /api/openapi.json', async () => {
    const { token } = createToken(store.db, { orgId, name: 'timetable sync', scope: 'read', actor: 'test' });
    const answer = await web.app.request('/api/v1/organisation', { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ id: orgId, name: 'Westfield High' });
    expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('strict-transport-security')).toMatch(/max-age=/);

    const description = await web.app.request('/api/openapi.json');
    expect(description.status).toBe(200);
    expect(await description.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1/), paths: expect.objectContaining({ '/v1/leaks': expect.anything() }) });
  });

  it('takes no dashboard session for a token, and answers its unknown paths with a problem, not the dashboard’s page', async () => {
    const browser = await signedIn(web, store, 'it@westfield.example');
    const withCookie = await web.app.request('/api/v1/organisation', { headers: { cookie: browser.jar.header() } });
    expect(withCookie.status).toBe(401);
    expect(withCookie.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(withCookie.headers.get('www-authenticate')).toMatch(/^Bearer/);

    // Without a token nothing under /api/v1 is told apart (401); with one, an unknown path is a problem document.
    expect((await web.app.request('/api/v1/nothing-here')).status).toBe(401);
    const { token } = createToken(store.db, { orgId, name: 'sync', scope: 'read', actor: 'test' });
    const unknown = await web.app.request('/api/v1/nothing-here', { headers: { authorization: `Bearer ${token}` } });
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(unknown.status).toBe(404);
  });
});
