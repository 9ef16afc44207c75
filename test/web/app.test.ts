/**
 * The web app without a listening server: security headers on every
 * response, the stylesheet, what a client cannot do to it.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { linkKey } from '../../src/notify/links.js';
import { createApp } from '../../src/web/app.js';
import { tempStore, type TestStore } from '../support/store.js';

const log = createLogger({ level: 'silent' });
let store: TestStore;

beforeEach(() => {
  store = tempStore();
});
afterEach(() => store.cleanup());

function app(publicUrl?: string) {
  return createApp({ db: store.db, linkKey: linkKey(store.db, undefined), onVerified: store.registration.onVerified, log, publicUrl });
}

it('sends the security headers on every response, HSTS only for an https public address', async () => {
  const plain = app('http://localhost:8080');
  for (const [path, init] of [['/healthz', {}], ['/nothing', {}], ['/a/garbage', {}], ['/verify/x', { method: 'POST', body: 'x'.repeat(9000) }], ['/static/app.css', {}]] as const) {
    const response = await plain.request(path, init);
    expect(response.headers.get('content-security-policy'), path).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    );
    expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security'), path).toBeNull();
  }
  expect((await app('https://leakwatch.test').request('/healthz')).headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
});

it('pages load their styles from /static/app.css and carry no inline style or script', async () => {
  const body = await (await app().request('/a/garbage')).text();
  expect(body).toContain('<link rel="stylesheet" href="/static/app.css">');
  expect(body).not.toMatch(/style=|<style|<script/i);
  const css = await app().request('/static/app.css');
  expect(css.status).toBe(200);
  expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  expect(await css.text()).toContain('font-family');
});

it('answers an oversized body 413, another method 405, a bad link 400, and keeps answering', async () => {
  const web = app();
  expect((await web.request('/a/x.y', { method: 'POST', body: 'a'.repeat(9000) })).status).toBe(413);
  expect((await web.request('/a/x.y', { method: 'PUT' })).status).toBe(405);
  expect((await web.request('/a/%E0%A4%A')).status).toBe(400);
  expect((await web.request('/a/x.y', { method: 'POST', body: '%%%%=%G', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(403);
  expect((await web.request('/healthz')).status).toBe(200);
});
