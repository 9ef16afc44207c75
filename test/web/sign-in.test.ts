/**
 * Signing in to the dashboard by emailed link: the same answer for every
 * address, a single-use short-lived link stored hashed, a button (not the
 * GET) signs in, sessions in opaque cookies hashed at rest with idle and
 * absolute ends, CSRF tokens on every signed-in form, rate limits.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { smtpTransport } from '../../src/notify/smtp.js';
import { Notifier } from '../../src/notify/worker.js';
import { hashSecretToken } from '../../src/store/secret-tokens.js';
import { notifierConfig } from '../support/notify.js';
import { startSmtpServer } from '../support/smtp-server.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';
import { purgeSignIns } from '../../src/web/sessions.js';
import { Browser, dashboardApp, signedIn, signInLinkFor, type TestWeb, webSettings } from '../support/web.js';

const MINUTE = 60_000;
let store: TestStore;
let web: TestWeb;

beforeEach(() => {
  store = tempStore();
  web = dashboardApp(store);
  school(store, 'Westfield High', 'westfield.example');
});
afterEach(() => store.cleanup());

const nonceOf = (browser: Browser) => /name="nonce" value="([^"]+)"/.exec(browser.lastBody)?.[1] ?? '';

describe('asking for a link', () => {
  it('answers the same page for a known and an unknown address, and queues a sign-in email to each', async () => {
    const browser = new Browser(web.app);
    const known = await browser.post('/sign-in', { email: 'it@westfield.example' }, { csrf: false });
    const unknown = await browser.post('/sign-in', { email: 'nobody@elsewhere.example' }, { csrf: false });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(known.body.replace('it@westfield.example', 'X')).toBe(unknown.body.replace('nobody@elsewhere.example', 'X'));
    expect(count(store.db, 'outbox', "kind = 'sign-in'")).toBe(2);
    // Nobody became a person by asking.
    expect(count(store.db, 'people')).toBe(0);
  });

  it('stores only the hash of the link, which the outbox drops once sent', async () => {
    await new Browser(web.app).post('/sign-in', { email: 'It@Westfield.Example' }, { csrf: false });
    const link = signInLinkFor(store, 'it@westfield.example');
    const token = link.split('/').at(-1)!;
    expect(count(store.db, 'sign_in_tokens', 'token_hash = ?', hashSecretToken(token))).toBe(1);
    expect(count(store.db, 'sign_in_tokens', 'token_hash = ?', token)).toBe(0);
    expect(store.db.prepare('SELECT expires_at FROM sign_in_tokens').pluck().get()).toBe(new Date(web.clock.now.getTime() + 15 * MINUTE).toISOString());
  });

  it('refuses what is not an address with 400 and queues nothing', async () => {
    const answer = await new Browser(web.app).post('/sign-in', { email: '<script>alert(1)</script>' }, { csrf: false });
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain('<script>alert');
    expect(answer.body).toContain('&lt;script&gt;');
    expect(count(store.db, 'outbox')).toBe(0);
  });

  it('the mailed email (through the real outbox and SMTP) carries a link that signs in', async () => {
    const smtp = await startSmtpServer();
    const mailer = smtpTransport(smtp.url, { maxConnections: 1, timeoutMs: 2000 });
    try {
      const browser = new Browser(web.app);
      await browser.post('/sign-in', { email: 'it@westfield.example' }, { csrf: false });
      const notifier = new Notifier({ db: store.db, config: notifierConfig(), secrets: {}, log: createLogger({ level: 'silent' }), mailer, clock: web.clock.read });
      expect(await notifier.flush()).toMatchObject({ sent: 1 });
      const link = /https:\/\/leakwatch\.test(\/sign-in\/[\w-]+)/.exec(String(smtp.received[0]!.parsed.text))![1]!;
      await browser.get(link);
      expect((await browser.post(link, { nonce: nonceOf(browser) }, { csrf: false })).status).toBe(303);
      expect((await browser.get('/')).body).toContain('Westfield High');
    } finally {
      mailer.close();
      await smtp.close();
    }
  });
});

describe('using the link', () => {
  async function asked(email = 'it@westfield.example'): Promise<{ browser: Browser; link: string }> {
    const browser = new Browser(web.app);
    await browser.post('/sign-in', { email }, { csrf: false });
    return { browser, link: signInLinkFor(store, email) };
  }

  it('a GET (a mail scanner) only shows a button; the press signs in once, with a hardened cookie', async () => {
    const { browser, link } = await asked();
    for (let i = 0; i < 3; i++) expect((await browser.get(link)).status).toBe(200);
    expect(count(store.db, 'sessions')).toBe(0);
    expect(count(store.db, 'sign_in_tokens', 'used_at IS NULL')).toBe(1);

    const done = await browser.post(link, { nonce: nonceOf(browser) }, { csrf: false });
    expect(done.status).toBe(303);
    expect(done.response.headers.get('location')).toBe('/');
    const cookie = done.response.headers.getSetCookie().find((c) => c.startsWith('__Host-leakwatch-session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    const id = browser.jar.cookies.get('__Host-leakwatch-session')!;
    // Opaque, and only its hash at rest.
    expect(id).toMatch(/^[\w-]{43}$/);
    expect(count(store.db, 'sessions', 'id_hash = ?', hashSecretToken(id))).toBe(1);
    expect(count(store.db, 'sessions', 'id_hash = ?', id)).toBe(0);

    const home = await browser.get('/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('Westfield High');
    expect(store.db.prepare('SELECT last_sign_in_at FROM people WHERE email = ?').pluck().get('it@westfield.example')).toBe(web.clock.now.toISOString());
  });

  it('refuses a link used already, an expired one and an invented one with 410', async () => {
    const { browser, link } = await asked();
    await browser.get(link);
    const nonce = nonceOf(browser);
    expect((await browser.post(link, { nonce }, { csrf: false })).status).toBe(303);
    const thief = new Browser(web.app);
    expect((await thief.get(link)).status).toBe(410);
    expect((await browser.post(link, { nonce }, { csrf: false })).status).toBe(410);
    expect(count(store.db, 'sessions')).toBe(1);

    const late = await asked();
    await late.browser.get(late.link);
    web.clock.advance(15 * MINUTE);
    expect((await late.browser.post(late.link, { nonce: nonceOf(late.browser) }, { csrf: false })).status).toBe(410);
    expect((await new Browser(web.app).get('/sign-in/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(410);
    expect(count(store.db, 'sessions')).toBe(1);
  });

  it('refuses a press that did not start in this browser (a form posted from elsewhere) and keeps the link usable', async () => {
    const { browser, link } = await asked();
    await browser.get(link);
    const nonce = nonceOf(browser);
    const forger = new Browser(web.app);
    expect((await forger.post(link, { nonce }, { csrf: false })).status).toBe(403);
    expect((await browser.post(link, { nonce: 'wrong' }, { csrf: false })).status).toBe(403);
    expect(count(store.db, 'sessions')).toBe(0);
    expect((await browser.post(link, { nonce }, { csrf: false })).status).toBe(303);
  });
});

describe('sessions', () => {
  it('a signed-out visitor is sent to the sign-in page; a tampered or invented cookie is no session', async () => {
    const visitor = new Browser(web.app);
    const home = await visitor.get('/');
    expect(home.status).toBe(303);
    expect(home.response.headers.get('location')).toBe('/sign-in');

    const browser = await signedIn(web, store, 'it@westfield.example');
    const id = browser.jar.cookies.get('__Host-leakwatch-session')!;
    const flipped = `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`;
    expect(flipped).not.toBe(id);
    browser.jar.cookies.set('__Host-leakwatch-session', flipped);
    expect((await browser.get('/')).status).toBe(303);
    browser.jar.cookies.set('__Host-leakwatch-session', id);
    expect((await browser.get('/')).status).toBe(200);
  });

  it('ends after web.sessionIdleMinutes without a request', async () => {
    const browser = await signedIn(web, store, 'it@westfield.example');
    web.clock.advance(479 * MINUTE);
    expect((await browser.get('/')).status).toBe(200);
    web.clock.advance(479 * MINUTE);
    expect((await browser.get('/')).status).toBe(200);
    web.clock.advance(480 * MINUTE);
    expect((await browser.get('/')).status).toBe(303);
    expect(count(store.db, 'sessions')).toBe(0);
  });

  it('ends web.sessionMaxDays after sign-in, however busy', async () => {
    const browser = await signedIn(web, store, 'it@westfield.example');
    for (let hours = 0; hours < 30 * 24 - 4; hours += 4) {
      web.clock.advance(4 * 60 * MINUTE);
      expect((await browser.get('/')).status).toBe(200);
    }
    web.clock.advance(5 * 60 * MINUTE);
    expect((await browser.get('/')).status).toBe(303);
  });

  it('signs out this browser; "sign out everywhere" ends every session of the person only', async () => {
    const laptop = await signedIn(web, store, 'it@westfield.example');
    const phone = await signedIn(web, store, 'it@westfield.example');
    const other = await signedIn(web, store, 'teacher@westfield.example');
    const stolen = laptop.jar.cookies.get('__Host-leakwatch-session')!;
    expect((await laptop.post('/sign-out')).status).toBe(303);
    expect(laptop.jar.cookies.has('__Host-leakwatch-session')).toBe(false);
    // A copy of the cookie taken before is dead too.
    laptop.jar.cookies.set('__Host-leakwatch-session', stolen);
    expect((await laptop.get('/')).status).toBe(303);
    expect((await phone.get('/')).status).toBe(200);

    const again = await signedIn(web, store, 'it@westfield.example');
    expect((await again.post('/sign-out/everywhere')).status).toBe(200);
    expect((await phone.get('/')).status).toBe(303);
    expect((await again.get('/')).status).toBe(303);
    expect((await other.get('/')).status).toBe(200);
  });

  it('refuses a signed-in POST without the session\'s CSRF token, with a wrong one and with another session\'s, changing nothing', async () => {
    const browser = await signedIn(web, store, 'it@westfield.example');
    const other = await signedIn(web, store, 'teacher@westfield.example');
    expect((await browser.post('/sign-out', {}, { csrf: false })).status).toBe(403);
    expect((await browser.post('/sign-out', { csrf: 'x'.repeat(43) }, { csrf: false })).status).toBe(403);
    expect((await browser.post('/sign-out', { csrf: other.csrf() }, { csrf: false })).status).toBe(403);
    expect((await browser.post('/sign-out/everywhere', {}, { csrf: false })).status).toBe(403);
    expect(count(store.db, 'sessions')).toBe(2);
    expect((await browser.get('/')).status).toBe(200);
  });

  it('over plain http the cookie is not Secure and has no __Host- prefix, and no HSTS is sent', async () => {
    const plain = dashboardApp(store, { web: { publicUrl: 'http://localhost:8080' } });
    const browser = await signedIn(plain, store, 'it@westfield.example');
    expect([...browser.jar.cookies.keys()]).toEqual(['leakwatch-session']);
    const response = (await browser.get('/')).response;
    expect(response.headers.get('strict-transport-security')).toBeNull();
    const secure = await signedIn(web, store, 'it@westfield.example');
    expect((await secure.get('/')).response.headers.get('strict-transport-security')).toMatch(/^max-age=/);
  });
});

it('housekeeping purges sign-in links a day past their end and dead sessions, not live ones', async () => {
  const live = await signedIn(web, store, 'it@westfield.example');
  web.clock.advance(240 * MINUTE);
  const fresh = await signedIn(web, store, 'teacher@westfield.example');
  expect(count(store.db, 'sign_in_tokens')).toBe(2);
  web.clock.advance(300 * MINUTE);
  // The first session has been idle 9 hours; the second 5; the first link ended 8 hours ago.
  expect(purgeSignIns(store.db, webSettings(), web.clock.now)).toEqual({ signInLinks: 0, sessions: 1 });
  web.clock.advance(24 * 60 * MINUTE);
  expect(purgeSignIns(store.db, webSettings(), web.clock.now)).toEqual({ signInLinks: 2, sessions: 1 });
  expect((await live.get('/')).status).toBe(303);
  expect((await fresh.get('/')).status).toBe(303);
});

describe('rate limits', () => {
  it('limits links per address (429 with Retry-After), whatever the client address', async () => {
    for (let i = 0; i < 5; i++) expect((await new Browser(web.app, `192.0.2.${i}`).post('/sign-in', { email: 'it@westfield.example' }, { csrf: false })).status).toBe(200);
    const refused = await new Browser(web.app, '192.0.2.99').post('/sign-in', { email: 'IT@westfield.example' }, { csrf: false });
    expect(refused.status).toBe(429);
    expect(Number(refused.response.headers.get('retry-after'))).toBe(15 * 60);
    expect(count(store.db, 'outbox', "kind = 'sign-in'")).toBe(5);
    expect((await new Browser(web.app, '192.0.2.99').post('/sign-in', { email: 'teacher@westfield.example' }, { csrf: false })).status).toBe(200);
    web.clock.advance(15 * MINUTE);
    expect((await new Browser(web.app, '192.0.2.99').post('/sign-in', { email: 'it@westfield.example' }, { csrf: false })).status).toBe(200);
  });

  it('limits links per client address; X-Forwarded-For counts only when web.trustProxy says so', async () => {
    const ask = (app: TestWeb, n: number, forwarded: string) =>
      new Browser(app.app, '203.0.113.5').send('/sign-in', { method: 'POST', body: `email=p${n}%40westfield.example`, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwarded } });
    for (let n = 0; n < 20; n++) expect((await ask(web, n, `198.51.100.${n}`)).status).toBe(200);
    const refused = await ask(web, 20, '198.51.100.200');
    expect(refused.status).toBe(429);
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);

    const proxied = dashboardApp(store, { web: { trustProxy: true }, clock: web.clock });
    for (let n = 0; n < 21; n++) expect((await ask(proxied, 100 + n, `10.0.0.1, 198.51.100.${n}`)).status).toBe(200);
    for (let n = 0; n < 20; n++) await ask(proxied, 200 + n, '198.51.100.250');
    expect((await ask(proxied, 300, '198.51.100.250')).status).toBe(429);
  });

  it('limits sign-in links opened per client address', async () => {
    const browser = new Browser(web.app, '203.0.113.9');
    for (let i = 0; i < 30; i++) expect((await browser.get(`/sign-in/guess${i}`)).status).toBe(410);
    expect((await browser.get('/sign-in/guess-more')).status).toBe(429);
  });
});
