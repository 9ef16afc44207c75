/**
 * An email's link to a leak lands on its dashboard page: asked for while
 * signed out, the page is remembered in this browser and the sign-in goes on
 * there. Only a dashboard path is ever gone on to, nothing off the site.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { listLeaks } from '../../src/match/leaks.js';
import { LinkMaker, linkKey } from '../../src/notify/links.js';
import { school, tempStore, type TestStore } from '../support/store.js';
import { Browser, dashboardApp, PUBLIC_URL, signInLinkFor, type TestWeb } from '../support/web.js';

let store: TestStore;
let web: TestWeb;
let leakId: number;

beforeEach(() => {
  store = tempStore();
  const orgId = school(store, 'Westfield High', 'westfield.example');
  web = dashboardApp(store);
  store.registration.addMeeting({ orgId, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'it@westfield.example', title: 'Maths' }, 'test', web.clock.now);
  store.matcher.ingestPage([{ source: 'reddit', sourceId: 'p1', url: null, author: 'a', createdAt: web.clock.now.toISOString(), text: 'zoom.us/j/84512397260' }], { now: web.clock.now });
  leakId = listLeaks(store.db, { orgId })[0]!.id;
});
afterEach(() => store.cleanup());

async function signIn(browser: Browser, email = 'it@westfield.example'): Promise<Response> {
  await browser.post('/sign-in', { email }, { csrf: false });
  const link = signInLinkFor(store, email);
  await browser.get(link);
  return (await browser.post(link, { nonce: /name="nonce" value="([^"]+)"/.exec(browser.lastBody)![1]! }, { csrf: false })).response;
}

it('goes on to the leak asked for while signed out, once', async () => {
  const browser = new Browser(web.app);
  const asked = await browser.get(`/leaks/${leakId}`);
  expect(asked.status).toBe(303);
  expect(asked.response.headers.get('location')).toBe('/sign-in');
  const signedIn = await signIn(browser);
  expect(signedIn.headers.get('location')).toBe(`/leaks/${leakId}`);
  expect((await browser.get(`/leaks/${leakId}`)).body).toContain('Maths');
  // Remembered once: the next sign-in in this browser goes to the overview.
  expect((await signIn(browser)).headers.get('location')).toBe('/');
});

it('never goes on to anything but a dashboard page, whatever the cookie says', async () => {
  // The public address is https here: the cookie has the __Host- prefix. A dashboard path in it is gone on to…
  const followed = new Browser(web.app);
  followed.jar.cookies.set('__Host-leakwatch-next', encodeURIComponent(`/leaks/${leakId}`));
  expect((await signIn(followed)).headers.get('location')).toBe(`/leaks/${leakId}`);
  // …anything else is not.
  let n = 0;
  for (const planted of ['//evil.example/leaks/1', 'https://evil.example/', '/sign-out', '/leaks/1/../../x', `/leaks/${leakId}\r\nSet-Cookie: x=1`, '/\\evil.example']) {
    // Each from an address and a client of its own: the sign-in limits are not what is tested.
    const browser = new Browser(web.app, `192.0.2.${100 + ++n}`);
    browser.jar.cookies.set('__Host-leakwatch-next', encodeURIComponent(planted));
    expect((await signIn(browser, `person${n}@westfield.example`)).headers.get('location'), planted).toBe('/');
  }
});

it("an email's action page links to the leak's dashboard page, before and after the action", async () => {
  const orgId = listLeaks(store.db, { orgId: undefined })[0]!.orgId;
  const { resolve } = new LinkMaker(linkKey(store.db, undefined), PUBLIC_URL, 168).leak(orgId, leakId, 'it@westfield.example', web.clock.now);
  const path = resolve.replace(PUBLIC_URL, '');
  const confirm = await web.app.request(path);
  expect(await confirm.text()).toContain(`<a href="/leaks/${leakId}">`);
  const done = await web.app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  expect(done.status).toBe(200);
  expect(await done.text()).toContain(`<a href="/leaks/${leakId}">`);
});
