/**
 * The leak list's filters, each through SQL with the organisation's scope:
 * the site a leak was seen on, its meeting id as people type it, and when it
 * was last seen; pages keep the filters.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { school, tempStore, type TestStore } from '../support/store.js';
import { dashboardApp, signedIn, type TestWeb } from '../support/web.js';

let store: TestStore;
let web: TestWeb;
let orgId: number;

beforeEach(() => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  web = dashboardApp(store);
  const leak = (source: 'reddit' | 'hackernews', meetingId: string, day: string) => {
    store.registration.addMeeting({ orgId, platform: 'zoom', meetingId, ownerEmail: 'teacher@westfield.example', title: `Class ${meetingId}` }, 'test', new Date(day));
    store.matcher.ingestPage([{ source, sourceId: `p${meetingId}`, url: null, author: 'a', createdAt: day, text: `join zoom.us/j/${meetingId}` }], { now: new Date(day) });
  };
  leak('reddit', '84512397260', '2026-08-20T10:00:00.000Z');
  leak('hackernews', '84512397261', '2026-08-30T10:00:00.000Z');
  leak('hackernews', '84512397262', '2026-08-10T10:00:00.000Z');
});
afterEach(() => store.cleanup());

const listed = (body: string) => [...body.matchAll(/“Class (\d+)”/g)].map((m) => m[1]).sort();

it('filters by the site it was seen on, the meeting id as typed, and the day since it was last seen', async () => {
  const browser = await signedIn(web, store, 'it@westfield.example');
  expect(listed((await browser.get(`/orgs/${orgId}/leaks`)).body)).toEqual(['84512397260', '84512397261', '84512397262']);
  expect(listed((await browser.get(`/orgs/${orgId}/leaks?source=reddit`)).body)).toEqual(['84512397260']);
  expect(listed((await browser.get(`/orgs/${orgId}/leaks?source=hackernews`)).body)).toEqual(['84512397261', '84512397262']);
  expect(listed((await browser.get(`/orgs/${orgId}/leaks?meeting=${encodeURIComponent('845 1239 7261')}`)).body)).toEqual(['84512397261']);
  expect(listed((await browser.get(`/orgs/${orgId}/leaks?since=2026-08-15`)).body)).toEqual(['84512397260', '84512397261']);
  expect(listed((await browser.get(`/orgs/${orgId}/leaks?since=2026-08-15&source=hackernews`)).body)).toEqual(['84512397261']);
  // What is not a day or a source lists as no filter or nothing, never an error.
  expect((await browser.get(`/orgs/${orgId}/leaks?since=yesterday`)).status).toBe(200);
  const nothing = await browser.get(`/orgs/${orgId}/leaks?source=${encodeURIComponent("x' OR 1=1 --")}`);
  expect(nothing.status).toBe(200);
  expect(listed(nothing.body)).toEqual([]);
  // The form shows what is filtered, escaped.
  expect((await browser.get(`/orgs/${orgId}/leaks?meeting=${encodeURIComponent('"><script>')}`)).body).toContain('value="&quot;&gt;&lt;script&gt;"');
});
