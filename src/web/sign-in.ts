/**
 * Signing in to the dashboard by emailed link, and out:
 *
 * | path | what |
 * | --- | --- |
 * | `GET`/`POST /sign-in` | asks for an address; the POST mails a sign-in link and always says "check your email" |
 * | `GET /sign-in/<token>` | a button (mail scanners fetch links; only a press signs in) |
 * | `POST /sign-in/<token>` | uses the link, once, and starts a session (cookie) |
 * | `POST /sign-out`, `POST /sign-out/everywhere` | ends this session, or every session of the person |
 *
 * Also {@link requireSession}, the guard of every signed-in page: no
 * session → the sign-in page (a GET) or 403 (a POST); a POST whose form does
 * not carry the session's CSRF token → 403.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { InputError } from '../errors.js';
import { normaliseEmail } from '../registry/email-address.js';
import { accessOf } from '../registry/people.js';
import { newSecretToken } from '../store/secret-tokens.js';
import { clientAddress } from './client-address.js';
import type { DashboardDeps, DashboardEnv } from './dashboard-deps.js';
import { escapeHtml, page, paragraph } from './layout.js';
import { FixedWindowLimiter } from './rate-limit.js';
import { csrfMatches, endAllSessions, endSession, findSession, mailSignInLink, type Session, signIn, signInLinkState } from './sessions.js';

/** Cookie names: with `__Host-` when served over https (then only this host, over TLS, may set them). */
function cookieNames(https: boolean): { session: string; signIn: string; next: string } {
  const prefix = https ? '__Host-' : '';
  return { session: `${prefix}leakwatch-session`, signIn: `${prefix}leakwatch-sign-in`, next: `${prefix}leakwatch-next` };
}

/** How long a page asked for while signed out is remembered, to go on there after signing in. */
const NEXT_PAGE_SECS = 60 * 60;

/** A page of this site to go on to after signing in: a path of the dashboard, nothing that leaves it. */
function nextPage(path: string | undefined): string | null {
  if (path === undefined || path.length > 300) return null;
  return /^\/(?:orgs|leaks)(?:\/[A-Za-z0-9_-]+)*(?:\?[A-Za-z0-9_=&%.+-]*)?$/.test(path) ? path : null;
}

/** The signed-in person's session: set by {@link requireSession}. */
export function sessionOf(c: Context<DashboardEnv>): Session {
  return c.get('session');
}

/** Reads a form (URL-encoded or multipart) once; a body no parser can read is null. */
export async function formOf(c: Context<DashboardEnv>): Promise<Record<string, string | File> | null> {
  try {
    return (await c.req.parseBody()) as Record<string, string | File>;
  } catch {
    return null;
  }
}

/** A text field of a form, trimmed; '' when absent or a file. */
export function field(form: Record<string, string | File>, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value.trim() : '';
}

function tooMany(c: Context, retryAfterSecs: number): Response {
  return c.html(
    page('Too many requests', paragraph(`Too many sign-in requests. Wait ${Math.ceil(retryAfterSecs / 60)} minute(s) and try again.`)),
    429,
    { 'retry-after': String(retryAfterSecs) },
  );
}

function linkDead(c: Context, state: 'used' | 'expired' | 'unknown'): Response {
  const why = state === 'used' ? 'This sign-in link was used already: each works once.' : state === 'expired' ? 'This sign-in link has expired.' : 'This sign-in link is not valid.';
  return c.html(page('This link does not work', `${paragraph(why)}<p><a href="/sign-in">Ask for a new link</a>.</p>`), 410);
}

const SIGN_IN_FORM = `<form method="post" action="/sign-in">
<label for="email">Your email address</label>
<input type="email" id="email" name="email" autocomplete="email" required>
<p><button type="submit">Email me a sign-in link</button></p>
</form>`;

/** The sign-in and sign-out routes, to mount at the root. */
export function signInRoutes(deps: DashboardDeps): Hono<DashboardEnv> {
  const { db, settings, clock, log } = deps;
  const https = settings.publicUrl.startsWith('https:');
  const names = cookieNames(https);
  const perAddress = new FixedWindowLimiter(settings.rateLimits.signInPerAddress);
  const perIp = new FixedWindowLimiter(settings.rateLimits.signInPerIp);
  const tokenPerIp = new FixedWindowLimiter(settings.rateLimits.tokenPerIp);
  const cookieOptions = { path: '/', httpOnly: true, secure: https, sameSite: 'Lax' } as const;
  const app = new Hono<DashboardEnv>();

  app.get('/sign-in', function signInPage(c) {
    return c.html(page('Sign in', `${paragraph('leakwatch emails you a link that signs you in. No password.')}${SIGN_IN_FORM}`));
  });

  app.post('/sign-in', async function askForLink(c) {
    const now = clock();
    const ip = perIp.take(clientAddress(c, settings.trustProxy), now);
    if (!ip.ok) return tooMany(c, ip.retryAfterSecs);
    const form = await formOf(c);
    const email = form === null ? '' : field(form, 'email');
    let address: string;
    try {
      address = mailableAddress(email);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return c.html(page('Sign in', `<p class="error">${escapeHtml(error.message)}.</p>${SIGN_IN_FORM}`), 400);
    }
    const limited = perAddress.take(address, now);
    if (!limited.ok) return tooMany(c, limited.retryAfterSecs);
    mailSignInLink(db, address, settings, now);
    log.info('sign-in link queued');
    // The same answer for every address: whether one is known is nobody's business.
    return c.html(
      page(
        'Check your email',
        `<p>If ${escapeHtml(address)} may use leakwatch, a sign-in link is on its way to it. It works once, for ${settings.magicLinkTtlMinutes} minutes.</p>
<p class="muted">Nothing after a few minutes? Look in the spam folder, or <a href="/sign-in">ask again</a>.</p>`,
      ),
    );
  });

  app.get('/sign-in/:token', function confirmPage(c) {
    const now = clock();
    const limited = tokenPerIp.take(clientAddress(c, settings.trustProxy), now);
    if (!limited.ok) return tooMany(c, limited.retryAfterSecs);
    const state = signInLinkState(db, c.req.param('token'), now);
    if (state !== 'valid') return linkDead(c, state);
    // Ties the button press to this browser: a form posted from another site carries no SameSite=Lax cookie.
    const nonce = newSecretToken();
    setCookie(c, names.signIn, nonce, { ...cookieOptions, maxAge: settings.magicLinkTtlMinutes * 60 });
    return c.html(
      page('Sign in to leakwatch', `<form method="post"><input type="hidden" name="nonce" value="${escapeHtml(nonce)}"><button type="submit">Sign in</button></form><p class="muted">This link works once.</p>`),
    );
  });

  app.post('/sign-in/:token', async function useLink(c) {
    const now = clock();
    const limited = tokenPerIp.take(clientAddress(c, settings.trustProxy), now);
    if (!limited.ok) return tooMany(c, limited.retryAfterSecs);
    const token = c.req.param('token');
    const state = signInLinkState(db, token, now);
    if (state !== 'valid') return linkDead(c, state);
    const form = await formOf(c);
    const nonce = getCookie(c, names.signIn);
    if (form === null || nonce === undefined || field(form, 'nonce') !== nonce) {
      return c.html(page('Open the link again', `${paragraph('This sign-in did not start in this browser. Open the link from the email again and press the button.')}`), 403);
    }
    deleteCookie(c, names.signIn, cookieOptions);
    const started = signIn(db, token, settings, now);
    // Used by a concurrent press since the check above.
    if (started === null) return linkDead(c, 'used');
    setCookie(c, names.session, started.session.id, { ...cookieOptions, maxAge: started.maxAgeSecs });
    // Back to the page asked for while signed out (a leak an email linked to), in this browser.
    const next = nextPage(getCookie(c, names.next));
    deleteCookie(c, names.next, cookieOptions);
    return c.redirect(next ?? '/', 303);
  });

  app.post('/sign-out', requireSession(deps), function signOut(c) {
    endSession(db, sessionOf(c).id);
    deleteCookie(c, names.session, cookieOptions);
    return c.redirect('/sign-in', 303);
  });

  app.post('/sign-out/everywhere', requireSession(deps), function signOutEverywhere(c) {
    const ended = endAllSessions(db, sessionOf(c).person.id);
    deleteCookie(c, names.session, cookieOptions);
    return c.html(page('Signed out everywhere', `${paragraph(`${ended} session(s) ended, this one included.`)}<p><a href="/sign-in">Sign in again</a>.</p>`));
  });

  return app;
}

/**
 * The guard of every signed-in page: the session from the cookie (else the
 * sign-in page, or 403 for a POST), what the person may see, and for a POST
 * the session's CSRF token in the form (else 403).
 */
export function requireSession(deps: DashboardDeps): MiddlewareHandler<DashboardEnv> {
  const https = deps.settings.publicUrl.startsWith('https:');
  const names = cookieNames(https);
  return async function checkSession(c, next) {
    const id = getCookie(c, names.session);
    const session = id ? findSession(deps.db, id, deps.settings, deps.clock()) : null;
    if (session === null) {
      if (c.req.method === 'POST') return c.html(page('Signed out', '<p>Your session has ended. <a href="/sign-in">Sign in</a> again; nothing was changed.</p>'), 403);
      const url = new URL(c.req.url);
      const next = nextPage(`${url.pathname}${url.search}`);
      if (next !== null) setCookie(c, names.next, next, { path: '/', httpOnly: true, secure: https, sameSite: 'Lax', maxAge: NEXT_PAGE_SECS });
      return c.redirect('/sign-in', 303);
    }
    if (c.req.method === 'POST') {
      const form = await formOf(c);
      if (form === null || !csrfMatches(session, form.csrf)) {
        return c.html(page('Not done', '<p>This form did not come from your leakwatch page (or the page is too old). Nothing was changed; reload the page and try again.</p>'), 403);
      }
    }
    c.set('session', session);
    c.set('access', accessOf(deps.db, session.person));
    await next();
  };
}

/** An address a sign-in link can be mailed to, lower-cased (the rule of every address leakwatch stores); an {@link InputError} otherwise. */
function mailableAddress(raw: string): string {
  if (raw === '') throw new InputError('Enter your email address');
  return normaliseEmail(raw);
}
