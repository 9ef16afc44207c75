/**
 * An organisation on the dashboard: creating one, its identifiers with what
 * proves each (the DNS record to publish, "check now", a link mailed to the
 * domain's admin mailbox) and its people. The same registry functions as
 * `leakwatch org` and `leakwatch identifier`.
 *
 * | path | what |
 * | --- | --- |
 * | `GET`/`POST /orgs/new` | create an organisation; its creator is its admin |
 * | `GET /orgs/:id` | identifiers and people |
 * | `POST /orgs/:id/identifiers` | add an identifier (shows the DNS record to publish) |
 * | `POST /orgs/:id/identifiers/:identifier/dns-token` | a new DNS record to publish |
 * | `POST /orgs/:id/identifiers/:identifier/check` | check the DNS record now (`identifier verify --method dns`) |
 * | `POST /orgs/:id/identifiers/:identifier/email` | mail a link to an admin mailbox of the domain (`--method email`) |
 * | `POST /orgs/:id/people`, `POST /orgs/:id/people/remove` | add an admin or organiser; take a role away |
 */
import type { Context, Hono } from 'hono';
import { InputError } from '../errors.js';
import { VERIFICATION_PREFIX } from '../registry/dns-txt.js';
import { type Identifier, addIdentifier, listIdentifiers, reissueDnsToken, sendVerificationEmail, VERIFICATION_MAILBOXES, verifyByDns } from '../registry/identifiers.js';
import { DOMAIN_KINDS, IDENTIFIER_KINDS } from '../registry/identifier-value.js';
import { invitePerson } from '../registry/invitations.js';
import { createOrganisation, getOrganisation, type Organisation, removeMember } from '../registry/organisations.js';
import { organisationPeople, type Role } from '../registry/people.js';
import type { DashboardDeps, DashboardEnv } from './dashboard-deps.js';
import { actorOf, dashboardPage, idParam, notAllowed, notFound, organisationOf, type SignedIn } from './dashboard-page.js';
import { csrfField, escapeHtml, paragraph, table } from './layout.js';
import { FixedWindowLimiter } from './rate-limit.js';
import { field, formOf, sessionOf } from './sign-in.js';

const KIND_LABELS: Record<(typeof IDENTIFIER_KINDS)[number], string> = {
  'email-domain': 'Email domain (westfield.example)',
  'zoom-subdomain': 'Zoom subdomain (westfield.zoom.us)',
  'teams-tenant': 'Microsoft Teams tenant id',
  'webex-site': 'Webex site (westfield.webex.com)',
  'meeting-domain': 'Self-hosted meeting domain (Jitsi, BigBlueButton)',
};

export function orgNav(org: Organisation): string {
  return `<p class="muted"><a href="/orgs/${org.id}">Identifiers and people</a> · <a href="/orgs/${org.id}/meetings">Meetings</a> · <a href="/orgs/${org.id}/leaks">Leaks</a> · <a href="/orgs/${org.id}/tokens">API tokens</a> · <a href="/orgs/${org.id}/connections">Connections</a> · <a href="/orgs/${org.id}/settings">Settings</a></p>`;
}

/** The form of a signed-in page, posting to `action`, its CSRF token included. */
export function postForm(c: Context<DashboardEnv>, action: string, inner: string, className = 'inline'): string {
  return `<form method="post" action="${escapeHtml(action)}" class="${className}">${csrfField(sessionOf(c).csrf)}${inner}</form>`;
}


/** The record to publish for a DNS token, and the button that checks it. */
function dnsInstructions(c: Context<DashboardEnv>, org: Organisation, identifier: Identifier, token: string, expiresAt: string | null): string {
  return `<p>Publish this TXT record in the DNS of <strong>${escapeHtml(identifier.value)}</strong>${expiresAt ? ` before ${escapeHtml(expiresAt.replace('T', ' ').slice(0, 16))} UTC` : ''}:</p>
<p><code>${escapeHtml(identifier.value)}.  TXT  "${escapeHtml(VERIFICATION_PREFIX + token)}"</code></p>
<p class="muted">This record is shown once; if you lose it, ask for a new one on the organisation's page. DNS changes can take a while to appear.</p>
${postForm(c, `/orgs/${org.id}/identifiers/${identifier.id}/check`, '<button type="submit">Check now</button>', '')}
<p><a href="/orgs/${org.id}">Back to ${escapeHtml(org.name)}</a></p>`;
}

/** What is left to do for one identifier, in words and buttons. */
function proofCell(c: Context<DashboardEnv>, org: Organisation, identifier: Identifier, admin: boolean): string {
  if (identifier.status === 'verified') return `Proven (${escapeHtml(identifier.method ?? '')}, ${escapeHtml((identifier.verifiedAt ?? '').slice(0, 10))})`;
  if (identifier.status === 'revoked') return 'Revoked';
  if (!DOMAIN_KINDS.includes(identifier.kind)) {
    return identifier.kind === 'teams-tenant'
      ? 'Not proven yet: once an email domain is proven, the leakwatch operator checks with Microsoft that this tenant is yours.'
      : 'Not proven yet: this platform publishes nothing that ties it to your domain, so the leakwatch operator proves it once satisfied it is yours.';
  }
  if (!admin) return 'Not proven yet: an admin of the organisation proves it.';
  const base = `/orgs/${org.id}/identifiers/${identifier.id}`;
  const mailboxes = VERIFICATION_MAILBOXES.map((m) => `<option value="${m}@${escapeHtml(identifier.value)}">${m}@${escapeHtml(identifier.value)}</option>`).join('');
  return `Not proven yet. No alerts until it is.
<div class="actions">${postForm(c, `${base}/check`, '<button type="submit">Check DNS now</button>')}
${postForm(c, `${base}/dns-token`, '<button type="submit" class="secondary">Show a DNS record to publish</button>')}
${postForm(c, `${base}/email`, `<label for="mailbox-${identifier.id}">Or email a link to</label><select id="mailbox-${identifier.id}" name="address">${mailboxes}</select> <button type="submit" class="secondary">Send link</button>`)}</div>`;
}

export function organisationRoutes(app: Hono<DashboardEnv>, deps: DashboardDeps, signedIn: SignedIn): void {
  const { db, verification, registration } = deps;
  const perPerson = new FixedWindowLimiter(deps.settings.rateLimits.organisationsPerPerson);

  const newForm = (c: Context<DashboardEnv>, error = '', name = '') =>
    `${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
${paragraph('You become its admin. It gets no alerts until it has proven control of a domain (the next page says how).')}
${postForm(c, '/orgs/new', `<label for="name">Name of the organisation</label><input type="text" id="name" name="name" value="${escapeHtml(name)}" required maxlength="200"><p><button type="submit">Create</button></p>`, '')}`;

  app.get('/orgs/new', signedIn, function newOrganisationPage(c) {
    return dashboardPage(c, 'Create an organisation', newForm(c));
  });

  app.post('/orgs/new', signedIn, async function createOrganisationAction(c) {
    const form = (await formOf(c))!;
    const name = field(form, 'name');
    const limited = perPerson.take(sessionOf(c).person.email, deps.clock());
    if (!limited.ok) {
      c.header('retry-after', String(limited.retryAfterSecs));
      return dashboardPage(c, 'Create an organisation', newForm(c, 'You have created many organisations recently; try again later.', name), 429);
    }
    try {
      const org = createOrganisation(db, { name, admins: [sessionOf(c).person.email] }, actorOf(c));
      return c.redirect(`/orgs/${org.id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // Whether a name is taken cannot be hidden; the other organisation's id can.
      return dashboardPage(c, 'Create an organisation', newForm(c, error.message.replace(/ \(id \d+\)$/, ''), name), 400);
    }
  });

  function organisationPage(c: Context<DashboardEnv>, org: Organisation, role: Role, message = '', status: 200 | 400 | 409 = 200): Response {
    const admin = c.get('access').administers(org.id);
    const identifiers = listIdentifiers(db, org.id);
    const identifierTable = identifiers.length
      ? table(['Kind', 'Value', 'Proof'], identifiers.map((i) => [escapeHtml(i.kind), escapeHtml(i.value), proofCell(c, org, i, admin)]))
      : paragraph('No identifiers yet. Add your school\'s email domain first: alerts go out once it is proven.');
    const kinds = IDENTIFIER_KINDS.map((k) => `<option value="${k}">${escapeHtml(KIND_LABELS[k])}</option>`).join('');
    const addIdentifierForm = admin
      ? postForm(c, `/orgs/${org.id}/identifiers`, `<label for="kind">Kind</label><select id="kind" name="kind">${kinds}</select>
<label for="value">Value</label><input type="text" id="value" name="value" required maxlength="253"><p><button type="submit">Add identifier</button></p>`, '')
      : '';
    // One row per person and role, so each role can be taken away on its own.
    const memberRows = organisationPeople(db, org.id).flatMap((person) =>
      person.roles.map((role) => [
        escapeHtml(person.email),
        escapeHtml(role),
        escapeHtml(person.lastSignInAt?.slice(0, 16).replace('T', ' ') ?? 'never'),
        admin ? postForm(c, `/orgs/${org.id}/people/remove`, `<input type="hidden" name="email" value="${escapeHtml(person.email)}"><input type="hidden" name="role" value="${role}"><button type="submit" class="link">Remove<span class="visually-hidden"> ${escapeHtml(`${person.email} as ${role}`)}</span></button>`) : '',
      ]),
    );
    const inviteForm = admin
      ? postForm(c, `/orgs/${org.id}/people`, `<label for="email">Email address</label><input type="email" id="email" name="email" required>
<label for="role">Role</label><select id="role" name="role"><option value="organiser">Organiser (sees the leaks of their own meetings)</option><option value="admin">Admin (sees and manages everything)</option></select>
<p><button type="submit">Add person</button></p>`, '')
      : '';
    return dashboardPage(
      c,
      org.name,
      `${orgNav(org)}${message}<p>Your role: <strong>${escapeHtml(role)}</strong></p>
<h2>Identifiers</h2>${identifierTable}${addIdentifierForm}
<h2>People</h2>${table(['Email', 'Role', 'Last signed in (UTC)', { hidden: 'Change' }], memberRows)}
${admin ? paragraph('They sign in with their email address; leakwatch emails organisers about leaks of their meetings.', 'muted') : ''}${inviteForm}`,
      status,
    );
  }

  const failure = (error: unknown) => {
    if (!(error instanceof InputError)) throw error;
    return `<p class="error">${escapeHtml(error.message)}</p>`;
  };

  app.get('/orgs/:id', signedIn, function organisationView(c) {
    const found = organisationOf(c, deps);
    return found ? organisationPage(c, found.org, found.role) : notFound(c);
  });

  app.post('/orgs/:id/identifiers', signedIn, async function addIdentifierAction(c) {
    const found = organisationOf(c, deps);
    if (!found) return notFound(c);
    if (!c.get('access').administers(found.org.id)) return notAllowed(c);
    const form = (await formOf(c))!;
    let added;
    try {
      added = addIdentifier(db, { orgId: found.org.id, kind: field(form, 'kind'), value: field(form, 'value') }, verification, actorOf(c), deps.clock());
    } catch (error) {
      return organisationPage(c, found.org, found.role, failure(error), 400);
    }
    const { identifier, token } = added;
    const body =
      token === null
        ? `${paragraph(`${identifier.kind} ${identifier.value} is registered, not proven yet.`)}${proofCell(c, found.org, identifier, true)}<p><a href="/orgs/${found.org.id}">Back</a></p>`
        : dnsInstructions(c, found.org, identifier, token, identifier.tokenExpiresAt);
    return dashboardPage(c, `Prove ${identifier.value}`, body);
  });

  /** The organisation's identifier of `:identifier`, or null. */
  function identifierOf(c: Context<DashboardEnv>, orgId: number): Identifier | null {
    const id = idParam(c, 'identifier');
    return id === null ? null : (listIdentifiers(db, orgId).find((i) => i.id === id) ?? null);
  }

  app.post('/orgs/:id/identifiers/:identifier/dns-token', signedIn, function newDnsToken(c) {
    const found = organisationOf(c, deps);
    const identifier = found && identifierOf(c, found.org.id);
    if (!found || !identifier) return notFound(c);
    if (!c.get('access').administers(found.org.id)) return notAllowed(c);
    try {
      const issued = reissueDnsToken(db, { orgId: found.org.id, value: identifier.value }, verification, actorOf(c), deps.clock());
      return dashboardPage(c, `Prove ${identifier.value}`, dnsInstructions(c, found.org, identifier, issued.token, issued.expiresAt));
    } catch (error) {
      return organisationPage(c, found.org, found.role, failure(error), 409);
    }
  });

  app.post('/orgs/:id/identifiers/:identifier/check', signedIn, async function checkDns(c) {
    const found = organisationOf(c, deps);
    const identifier = found && identifierOf(c, found.org.id);
    if (!found || !identifier) return notFound(c);
    if (!c.get('access').administers(found.org.id)) return notAllowed(c);
    try {
      const verified = await verifyByDns(db, { orgId: found.org.id, value: identifier.value }, verification, actorOf(c), registration.onVerified, deps.clock());
      return organisationPage(c, found.org, found.role, `<p class="notice">${escapeHtml(`${verified.value} is proven by DNS. Its people can now receive alerts.`)}</p>`);
    } catch (error) {
      return organisationPage(c, found.org, found.role, failure(error), 409);
    }
  });

  app.post('/orgs/:id/identifiers/:identifier/email', signedIn, async function mailVerification(c) {
    const found = organisationOf(c, deps);
    const identifier = found && identifierOf(c, found.org.id);
    if (!found || !identifier) return notFound(c);
    if (!c.get('access').administers(found.org.id)) return notAllowed(c);
    const form = (await formOf(c))!;
    try {
      const sent = sendVerificationEmail(db, { orgId: found.org.id, value: identifier.value, address: field(form, 'address') }, verification, actorOf(c), deps.clock());
      return organisationPage(c, found.org, found.role, `<p class="notice">${escapeHtml(`A link is on its way to ${sent.sentTo.join(', ')}; whoever reads that mailbox confirms with it.`)}</p>`);
    } catch (error) {
      return organisationPage(c, found.org, found.role, failure(error), 409);
    }
  });

  app.post('/orgs/:id/people', signedIn, async function addPerson(c) {
    const found = organisationOf(c, deps);
    if (!found) return notFound(c);
    if (!c.get('access').administers(found.org.id)) return notAllowed(c);
    const form = (await formOf(c))!;
    try {
      const role = field(form, 'role') === 'admin' ? 'admin' : 'organiser';
      const added = invitePerson(db, { orgId: found.org.id, email: field(form, 'email'), role }, deps.settings.publicUrl, actorOf(c), deps.clock());
      const said = added.invited
        ? `${added.email} is now an ${role} of ${added.organisation.name}; an invitation is on its way to them.`
        : `${added.email} is an ${role} of ${added.organisation.name}; no invitation was emailed: ${added.reason}. They can sign in at ${new URL('sign-in', deps.settings.publicUrl.endsWith('/') ? deps.settings.publicUrl : `${deps.settings.publicUrl}/`).href}.`;
      return organisationPage(c, getOrganisation(db, found.org.id), found.role, `<p class="notice" role="status">${escapeHtml(said)}</p>`);
    } catch (error) {
      return organisationPage(c, found.org, found.role, failure(error), 400);
    }
  });

  app.post('/orgs/:id/people/remove', signedIn, async function removePerson(c) {
    const found = organisationOf(c, deps);
    if (!found) return notFound(c);
    if (!c.get('access').administers(found.org.id)) return notAllowed(c);
    const form = (await formOf(c))!;
    try {
      removeMember(db, found.org.id, field(form, 'email'), field(form, 'role') === 'admin' ? 'admin' : 'organiser', actorOf(c));
      return c.redirect(`/orgs/${found.org.id}`, 303);
    } catch (error) {
      return organisationPage(c, found.org, found.role, failure(error), 409);
    }
  });
}
