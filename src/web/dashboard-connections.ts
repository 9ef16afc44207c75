/**
 * An organisation's platform connections on the dashboard, for its admins:
 * connect an account with the server-to-server app's credentials (tried
 * first; stored only encrypted; never shown again), see each connection's
 * status, last sync and error, synchronise it now, or disconnect it. The
 * same functions as `leakwatch connect`, `connections sync` and `disconnect`.
 *
 * | path | what |
 * | --- | --- |
 * | `GET /orgs/:id/connections` | the connections and the form to connect one |
 * | `POST /orgs/:id/connections` | connect an account (then one sync) |
 * | `POST /orgs/:id/connections/:connection/sync` | synchronise it now |
 * | `POST /orgs/:id/connections/:connection/remove` | disconnect it, with its meetings |
 */
import type { Context, Hono } from 'hono';
import { connectAccount } from '../connect/connect-account.js';
import { getConnection, listConnections, removeConnection } from '../connect/connections.js';
import type { ProviderName } from '../connect/provider.js';
import { providerFor, providerNames } from '../connect/providers.js';
import { type ConnectionSessions, syncConnection, type SyncOutcome } from '../connect/sync.js';
import { InputError, NotFoundError, UsageError } from '../errors.js';
import type { Organisation } from '../registry/organisations.js';
import type { DashboardDeps, DashboardEnv } from './dashboard-deps.js';
import { orgNav, postForm } from './dashboard-organisations.js';
import { actorOf, administeredOrganisation, dashboardPage, idParam, notFound, type SignedIn } from './dashboard-page.js';
import { escapeHtml, paragraph, table } from './layout.js';
import { field, formOf } from './sign-in.js';

/** What the connections page needs: `LEAKWATCH_SECRET_KEY` (null when unset) and the platform sessions. */
export interface DashboardConnections {
  key: Buffer | null;
  sessions: ConnectionSessions;
}

/** What each platform calls the three parts of its credential, for the form. */
const CREDENTIAL_LABELS: Record<ProviderName, { account: string; client: string; secret: string; multiline?: boolean }> = {
  zoom: { account: 'Account ID', client: 'Client ID', secret: 'Client secret' },
  microsoft: { account: 'Directory (tenant) ID', client: 'Application (client) ID', secret: 'Client secret value' },
  google: { account: 'Workspace admin to act as (email)', client: 'Service account email', secret: 'Service account key (the JSON file)', multiline: true },
};

function describeSync(outcome: SyncOutcome): string {
  if (outcome.status !== 'ok') return `The first sync ${outcome.status === 'revoked' ? 'was refused' : 'failed'}: ${outcome.error}`;
  return `Synchronised: ${outcome.added} meeting(s) added, ${outcome.updated} updated, ${outcome.removed} removed${outcome.skipped.length ? `, ${outcome.skipped.length} skipped` : ''}.`;
}

export function connectionRoutes(app: Hono<DashboardEnv>, deps: DashboardDeps, signedIn: SignedIn): void {
  const { db } = deps;

  const administered = (c: Context<DashboardEnv>) => administeredOrganisation(c, deps);

  function connectionsPage(c: Context<DashboardEnv>, org: Organisation, message = '', status: 200 | 400 | 409 = 200): Response {
    const rows = listConnections(db, org.id).map((k) => [
      escapeHtml(providerFor(k.provider).label),
      escapeHtml(k.accountId),
      escapeHtml(k.status),
      String(k.meetings),
      escapeHtml(k.lastSuccessAt?.slice(0, 16).replace('T', ' ') ?? 'never'),
      escapeHtml([k.writeOptIn ? 'rotation allowed' : '', k.lastError ?? ''].filter(Boolean).join('; ')),
      `<div class="actions">${postForm(c, `/orgs/${org.id}/connections/${k.id}/sync`, '<button type="submit" class="secondary">Sync now</button>')}${postForm(c, `/orgs/${org.id}/connections/${k.id}/remove`, '<button type="submit" class="link">Disconnect</button>')}</div>`,
    ]);
    const settings = deps.connections;
    const forms =
      settings?.key === null || settings === undefined
        ? paragraph('Accounts cannot be connected on this installation: its operator has not set LEAKWATCH_SECRET_KEY, and credentials are stored only encrypted with it.', 'muted')
        : providerNames()
            .map((name) => {
              const provider = providerFor(name);
              const labels = CREDENTIAL_LABELS[name];
              const secretInput = labels.multiline
                ? `<textarea id="${name}-secret" name="secret" required autocomplete="off" spellcheck="false"></textarea>`
                : `<input type="password" id="${name}-secret" name="secret" required autocomplete="off" maxlength="500">`;
              return `<h2>Connect ${escapeHtml(provider.label)}</h2>
${paragraph(`Read scopes it needs: ${provider.readScopes.join(', ')}. Rotation needs ${provider.writeScopes.join(', ') || 'nothing more'}, only if you allow it.`, 'muted')}
${postForm(
  c,
  `/orgs/${org.id}/connections`,
  `<input type="hidden" name="provider" value="${name}">
<label for="${name}-account">${escapeHtml(labels.account)}</label><input type="text" id="${name}-account" name="account" required maxlength="200" autocomplete="off">
<label for="${name}-client">${escapeHtml(labels.client)}</label><input type="text" id="${name}-client" name="client" required maxlength="300" autocomplete="off">
<label for="${name}-secret">${escapeHtml(labels.secret)}</label>${secretInput}
<p class="check"><input type="checkbox" id="${name}-rotation" name="rotation" value="on"> <label for="${name}-rotation" class="choice">Allow rotation: leakwatch may change a leaked meeting's passcode when its organiser asks (needs the write scope)</label></p>
<p><button type="submit">Connect ${escapeHtml(provider.label)}</button></p>`,
  '',
)}`;
            })
            .join('\n');
    return dashboardPage(
      c,
      `Connections of ${org.name}`,
      `${orgNav(org)}${message}${paragraph("A connected account's meetings are registered and kept in step without imports, and the identifiers it reports (its Zoom subdomain, say) are proven by it. Its credentials are tried before they are stored, stored only encrypted, and never shown again.", 'muted')}
${rows.length ? table(['Platform', 'Account', 'Status', 'Meetings', 'Last sync (UTC)', 'Notes', { hidden: 'Change' }], rows) : paragraph('No connections yet.')}
${forms}`,
      status,
    );
  }

  const notice = (text: string, error = false) => `<p class="${error ? 'error' : 'notice'}" role="${error ? 'alert' : 'status'}">${escapeHtml(text)}</p>`;

  app.get('/orgs/:id/connections', signedIn, function connectionsView(c) {
    const org = administered(c);
    return org instanceof Response ? org : connectionsPage(c, org);
  });

  app.post('/orgs/:id/connections', signedIn, async function connect(c) {
    const org = administered(c);
    if (org instanceof Response) return org;
    const form = (await formOf(c))!;
    const settings = deps.connections;
    if (!settings || settings.key === null) return connectionsPage(c, org, notice('Nothing stored: LEAKWATCH_SECRET_KEY is not set on this installation.', true), 409);
    c.header('cache-control', 'no-store');
    try {
      const provider = providerFor(field(form, 'provider'));
      const connected = await connectAccount(
        db,
        { orgId: org.id, provider, credential: { accountId: field(form, 'account'), clientId: field(form, 'client'), secret: field(form, 'secret') }, writeOptIn: field(form, 'rotation') === 'on' },
        { key: settings.key, sessions: settings.sessions, registration: deps.registration, log: deps.log, actor: actorOf(c) },
      );
      const said = [`${provider.label} account ${connected.connection.accountId} is connected.`, describeSync(connected.sync), ...connected.notes].join(' ');
      return connectionsPage(c, org, notice(said, connected.sync.status !== 'ok'));
    } catch (error) {
      if (!(error instanceof InputError) && !(error instanceof UsageError)) throw error;
      // What the form sent is not shown again: the secret must not come back in a page.
      return connectionsPage(c, org, notice(error.message, true), 400);
    }
  });

  /** The organisation and its connection of the path, or the answer to give. */
  function connectionOf(c: Context<DashboardEnv>): { org: Organisation; id: number } | Response {
    const org = administered(c);
    if (org instanceof Response) return org;
    const id = idParam(c, 'connection');
    if (id === null) return notFound(c);
    try {
      getConnection(db, id, org.id);
    } catch (error) {
      if (error instanceof NotFoundError) return notFound(c);
      throw error;
    }
    return { org, id };
  }

  app.post('/orgs/:id/connections/:connection/sync', signedIn, async function syncNow(c) {
    const found = connectionOf(c);
    if (found instanceof Response) return found;
    const settings = deps.connections;
    if (!settings) return connectionsPage(c, found.org, notice('Connections cannot be synchronised here.', true), 409);
    const outcome = await syncConnection(db, found.id, { key: settings.key, registration: deps.registration, sessions: settings.sessions, log: deps.log, actor: actorOf(c) });
    return connectionsPage(c, found.org, notice(describeSync(outcome).replace('The first sync', 'The sync'), outcome.status !== 'ok'));
  });

  app.post('/orgs/:id/connections/:connection/remove', signedIn, function disconnect(c) {
    const found = connectionOf(c);
    if (found instanceof Response) return found;
    const { connection, removedMeetings } = removeConnection(db, found.id, actorOf(c), found.org.id, deps.clock());
    return connectionsPage(
      c,
      found.org,
      notice(`${providerFor(connection.provider).label} account ${connection.accountId} disconnected, with its ${removedMeetings} meeting(s) and its stored secret. Delete the app in ${providerFor(connection.provider).label} too, so its credentials stop working.`),
    );
  });
}
