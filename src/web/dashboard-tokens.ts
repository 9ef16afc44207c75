/**
 * An organisation's API tokens on the dashboard, for its admins: made with a
 * name and a scope, shown once (only the hash is kept), listed with when
 * each was last used, and revoked. The same functions as `leakwatch token`.
 *
 * | path | what |
 * | --- | --- |
 * | `GET /orgs/:id/tokens` | the tokens and a form for a new one |
 * | `POST /orgs/:id/tokens` | make one; the page shows it this once |
 * | `POST /orgs/:id/tokens/:tokenId/revoke` | revoke one; its next request is refused |
 */
import type { Context, Hono } from 'hono';
import { createToken, listTokens, revokeToken, TOKEN_SCOPES } from '../api/tokens.js';
import { InputError, NotFoundError } from '../errors.js';
import type { Organisation } from '../registry/organisations.js';
import type { DashboardDeps, DashboardEnv } from './dashboard-deps.js';
import { actorOf, administeredOrganisation, dashboardPage, idParam, notFound, type SignedIn } from './dashboard-page.js';
import { orgNav, postForm } from './dashboard-organisations.js';
import { escapeHtml, paragraph, table } from './layout.js';
import { field, formOf } from './sign-in.js';

export function tokenRoutes(app: Hono<DashboardEnv>, deps: DashboardDeps, signedIn: SignedIn): void {
  const { db } = deps;

  const administered = (c: Context<DashboardEnv>) => administeredOrganisation(c, deps);

  function tokensPage(c: Context<DashboardEnv>, org: Organisation, message = '', status: 200 | 400 | 409 = 200): Response {
    const rows = listTokens(db, org.id).map((t) => [
      escapeHtml(t.name),
      escapeHtml(t.scope),
      escapeHtml(t.createdAt.slice(0, 10)),
      escapeHtml(t.lastUsedAt?.slice(0, 16).replace('T', ' ') ?? 'never'),
      t.revokedAt === null
        ? postForm(c, `/orgs/${org.id}/tokens/${t.id}/revoke`, '<button type="submit" class="link">Revoke</button>')
        : `revoked ${escapeHtml(t.revokedAt.slice(0, 10))}`,
    ]);
    const scopes = TOKEN_SCOPES.map((s) => `<option value="${s}">${s === 'read' ? 'read (lists and reads)' : 'write (also registers meetings and changes leaks)'}</option>`).join('');
    const form = postForm(
      c,
      `/orgs/${org.id}/tokens`,
      `<label for="name">What uses it</label><input type="text" id="name" name="name" required maxlength="100" placeholder="timetable sync">
<label for="scope">Scope</label><select id="scope" name="scope">${scopes}</select><p><button type="submit">Make a token</button></p>`,
      '',
    );
    return dashboardPage(
      c,
      `API tokens of ${org.name}`,
      `${orgNav(org)}${message}${rows.length ? table(['Name', 'Scope', 'Made', 'Last used', { hidden: 'Change' }], rows) : paragraph('No tokens yet.')}
<h2>A new token</h2>${paragraph('A token lets a program use the JSON API (/api/v1, described at /api/openapi.json) for this organisation only. It is shown once.', 'muted')}${form}`,
      status,
    );
  }

  app.get('/orgs/:id/tokens', signedIn, function tokensView(c) {
    const org = administered(c);
    return org instanceof Response ? org : tokensPage(c, org);
  });

  app.post('/orgs/:id/tokens', signedIn, async function makeToken(c) {
    const org = administered(c);
    if (org instanceof Response) return org;
    const form = (await formOf(c))!;
    try {
      const { token, apiToken } = createToken(db, { orgId: org.id, name: field(form, 'name'), scope: field(form, 'scope'), actor: actorOf(c), personId: c.get('access').person.id }, deps.clock());
      c.header('cache-control', 'no-store');
      return tokensPage(
        c,
        org,
        `<div class="notice" role="status"><p>The token “${escapeHtml(apiToken.name)}” (${escapeHtml(apiToken.scope)}). Copy it now: it is not shown again.</p><p><code class="token">${escapeHtml(token)}</code></p><p class="muted">Send it as <code>Authorization: Bearer …</code>.</p></div>`,
      );
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return tokensPage(c, org, `<p class="error">${escapeHtml(error.message)}</p>`, 400);
    }
  });

  app.post('/orgs/:id/tokens/:tokenId/revoke', signedIn, function revoke(c) {
    const org = administered(c);
    if (org instanceof Response) return org;
    const id = idParam(c, 'tokenId');
    if (id === null) return notFound(c);
    try {
      revokeToken(db, { orgId: org.id, id, actor: actorOf(c) }, deps.clock());
      return c.redirect(`/orgs/${org.id}/tokens`, 303);
    } catch (error) {
      // Another organisation's token is not found, as one that does not exist.
      if (error instanceof NotFoundError) return notFound(c);
      if (!(error instanceof InputError)) throw error;
      return tokensPage(c, org, `<p class="error">${escapeHtml(error.message)}</p>`, 409);
    }
  });
}
