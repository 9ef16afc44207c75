/**
 * The served app with the dashboard on: whatever a client sends (malformed
 * request lines, broken forms and cookies, absurd ids) is answered with a
 * 4xx or a redirect, never a 5xx, and the server keeps serving.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { WebServer } from '../../src/web/server.js';
import { MALFORMED_REQUESTS, rawRequest } from '../support/raw-http.js';
import { school, tempStore, type TestStore } from '../support/store.js';
import { servedDashboard } from '../support/web.js';

let store: TestStore;
let web: WebServer;

beforeEach(async () => {
  store = tempStore();
  school(store, 'Westfield High', 'westfield.example');
  web = await servedDashboard(store, 'http://localhost:8080');
});
afterEach(async () => {
  await web.close();
  store.cleanup();
});

const DASHBOARD_REQUESTS = [
  'POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=zz\r\nContent-Length: 5\r\n\r\nhello',
  'POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nemail=%ff%G',
  'POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9000\r\n\r\nemail=',
  'GET / HTTP/1.1\r\nHost: x\r\nCookie: leakwatch-session=%ff%00; leakwatch-session=\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nCookie: ;;;=;=\r\n\r\n',
  'POST /orgs/1/meetings/import HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\nContent-Length: 4\r\n\r\n--\r\n',
  'POST /sign-in/abc HTTP/1.1\r\nHost: x\r\nCookie: leakwatch-sign-in=x\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc',
  'GET /orgs/%ff HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /leaks/99999999999999999999999999 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /orgs/1/leaks?page=-1e308&status=%00 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /sign-in/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n',
];

it('answers every malformed request with a 4xx or a redirect and keeps serving', async () => {
  for (const request of [...MALFORMED_REQUESTS, ...DASHBOARD_REQUESTS]) {
    const answer = await rawRequest(web.url, request, 1000);
    expect(answer, JSON.stringify(request.slice(0, 80))).not.toMatch(/^HTTP\/1\.1 5/);
    expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
  }
  for (const request of DASHBOARD_REQUESTS) expect(await rawRequest(web.url, request, 1000), JSON.stringify(request.slice(0, 80))).toMatch(/^HTTP\/1\.1 (4\d\d|303) /);
});
