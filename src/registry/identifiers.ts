import type { Config } from '../config/schema.js';
import { BlockedError } from '../crawl/errors.js';
import type { HttpClient } from '../crawl/http-client.js';
import { InputError, NotFoundError } from '../errors.js';
import { enqueue } from '../notify/outbox.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { lookupTxt, findVerificationToken, VERIFICATION_PREFIX } from './dns-txt.js';
import { emailDomain, normaliseEmail } from './email-address.js';
import { DOMAIN_KINDS, type IdentifierKind, normaliseIdentifier } from './identifier-value.js';
import { getOrganisation } from './organisations.js';
import { hashSecretToken, newSecretToken } from '../store/secret-tokens.js';
import { statement } from '../store/statements.js';

/** Addresses at a domain that only its operators receive mail for (as Have I Been Pwned uses). */
export const VERIFICATION_MAILBOXES = ['admin', 'administrator', 'webmaster', 'hostmaster', 'postmaster'] as const;

/** How control of an identifier is proven; `connection`: a connected platform account reported it (`src/connect`). */
export type VerificationMethod = 'dns' | 'email' | 'tenant' | 'manual' | 'connection';

const PLATFORM_NAMES: Partial<Record<IdentifierKind, string>> = { 'zoom-subdomain': 'Zoom', 'teams-tenant': 'Microsoft Teams', 'webex-site': 'Webex' };

export interface Identifier {
  id: number;
  orgId: number;
  kind: IdentifierKind;
  value: string;
  status: 'pending' | 'verified' | 'revoked';
  method: string | null;
  verifiedAt: string | null;
  verifiedBy: string | null;
  tokenExpiresAt: string | null;
}

interface IdentifierRow {
  id: number;
  org_id: number;
  kind: IdentifierKind;
  value: string;
  status: Identifier['status'];
  method: string | null;
  verified_at: string | null;
  verified_by: string | null;
  token_hash: string | null;
  token_expires_at: string | null;
  token_purpose: 'dns' | 'email' | null;
}

export interface VerificationSettings {
  tokenTtlHours: number;
  dnsServers?: string[];
  dnsTimeoutMs?: number;
  /** Base of the links mailed for verification. */
  publicUrl: string;
  /** Where Microsoft publishes each domain's tenant (`verification.microsoftLoginUrl`). Default {@link MICROSOFT_LOGIN_URL}. */
  microsoftLoginUrl?: string;
}

/** The verification settings of the configuration (`verification.*`, `web.publicUrl`): what the CLI and the API both use. */
export function verificationSettingsFrom(config: Pick<Config, 'verification' | 'web'>): VerificationSettings {
  const { verification, web } = config;
  return {
    tokenTtlHours: verification.tokenTtlHours,
    dnsServers: verification.dnsServers.length ? verification.dnsServers : undefined,
    dnsTimeoutMs: verification.dnsTimeoutMs,
    publicUrl: web.publicUrl,
    microsoftLoginUrl: verification.microsoftLoginUrl,
  };
}

/** Microsoft's sign-in service: `/<domain>/v2.0/.well-known/openid-configuration` names the tenant a domain belongs to. */
export const MICROSOFT_LOGIN_URL = 'https://login.microsoftonline.com';

/** Called when an identifier becomes verified: retro-hunt and release the alerts waiting for it. */
export type OnVerified = (db: Db, identifier: Identifier, now: Date) => void;

export interface AddedIdentifier {
  identifier: Identifier;
  /** The DNS token, shown once; only its hash is stored. Null for kinds not proven by DNS. */
  token: string | null;
  /** How to prove control, in words. */
  instructions: string[];
}

/** Registers an identifier for an organisation, pending until its control is proven. */
export function addIdentifier(
  db: Db,
  input: { orgId: number; kind: string; value: string },
  settings: VerificationSettings,
  actor: string,
  now: Date = new Date(),
): AddedIdentifier {
  const org = getOrganisation(db, input.orgId);
  const { kind, value } = normaliseIdentifier(input.kind, input.value);
  return db.transaction(() => {
    // A claim is not exclusive: a claim nobody proved must not lock the real owner out.
    if (statement(db, 'SELECT 1 FROM identifiers WHERE org_id = ? AND kind = ? AND value = ?').get(org.id, kind, value) !== undefined) {
      throw new InputError(`${kind} ${value} is already registered to this organisation`);
    }
    const isDomain = DOMAIN_KINDS.includes(kind);
    const token = isDomain ? newToken() : null;
    const id = statement(db, 
        `INSERT INTO identifiers (org_id, kind, value, token_hash, token_expires_at, token_purpose, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .pluck()
      .get(org.id, kind, value, token ? hashToken(token) : null, token ? expiry(now, settings) : null, token ? 'dns' : null, now.toISOString()) as number;
    audit(db, { actor, orgId: org.id, action: 'identifier.added', subject: `${kind} ${value}`, at: now });
    const identifier = identifierById(db, id);
    const verify = `leakwatch identifier verify --org ${org.id} --value ${value}`;
    const instructions = isDomain
      ? [
          `Prove control of ${value} in one of two ways before ${identifier.tokenExpiresAt}:`,
          `  DNS: publish the TXT record  ${value}.  TXT  "${VERIFICATION_PREFIX}${token}"  then run: ${verify} --method dns`,
          `  email: run: ${verify} --method email [--address ${VERIFICATION_MAILBOXES.map((m) => `${m}@${value}`).join('|')}] and open the link it sends`,
        ]
      : platformInstructions(kind, value, org);
    // Said without naming the organisation that holds it.
    if (provenElsewhere(db, { id, kind, value })) {
      instructions.unshift(
        `Note: another organisation has already proven control of ${kind} ${value}; this claim cannot be proven while it holds it. If it is ${org.name}'s, contact the leakwatch operator.`,
      );
    }
    return { identifier, token, instructions };
  })();
}

/**
 * Checks the DNS TXT record of a pending domain identifier and, when it
 * carries the current token, marks it verified.
 */
export async function verifyByDns(
  db: Db,
  input: { orgId: number; value: string },
  settings: VerificationSettings,
  actor: string,
  onVerified: OnVerified,
  now: Date = new Date(),
): Promise<Identifier> {
  const row = pendingIdentifier(db, input.orgId, input.value);
  if (!DOMAIN_KINDS.includes(row.kind)) throw new InputError(`${row.kind} ${row.value} has no DNS name to prove; ${howToProve(row.kind, row.value, row.org_id)}`);
  refuseIfProvenElsewhere(db, row);
  if (row.token_purpose !== 'dns' || !row.token_hash || !row.token_expires_at) {
    throw new InputError(`${row.value} has no DNS token; run \`leakwatch identifier token --org ${row.org_id} --value ${row.value}\` for a new one`);
  }
  if (Date.parse(row.token_expires_at) <= now.getTime()) {
    throw new InputError(`the DNS token for ${row.value} expired at ${row.token_expires_at}; run \`leakwatch identifier token --org ${row.org_id} --value ${row.value}\` for a new one`);
  }
  const result = await lookupTxt(row.value, { servers: settings.dnsServers, timeoutMs: settings.dnsTimeoutMs });
  if (result.status === 'unreachable') throw new InputError(`could not check DNS for ${row.value}: ${result.reason}; nothing changed, try again`);
  const tokens = result.status === 'found' ? findVerificationToken(result.records) : [];
  if (tokens.length === 0) {
    throw new InputError(`no "${VERIFICATION_PREFIX}…" TXT record at ${row.value} yet (DNS changes can take a while to appear)`);
  }
  if (!tokens.some((token) => hashToken(token) === row.token_hash)) {
    throw new InputError(`the ${VERIFICATION_PREFIX} TXT record at ${row.value} does not carry the current token; publish the token \`leakwatch identifier add\` or \`identifier token\` printed`);
  }
  return markVerified(db, row, 'dns', actor, onVerified, now);
}

/**
 * Mails a single-use verification link to one of a domain's operator
 * mailboxes. A Zoom, Teams or Webex identifier is refused: a mailbox at the
 * organisation's domain proves nothing about an account on the platform.
 */
export function sendVerificationEmail(
  db: Db,
  input: { orgId: number; value: string; address?: string | undefined },
  settings: VerificationSettings,
  actor: string,
  now: Date = new Date(),
): { sentTo: string[]; expiresAt: string } {
  const row = pendingIdentifier(db, input.orgId, input.value);
  if (!DOMAIN_KINDS.includes(row.kind)) {
    throw new InputError(
      `${row.kind} ${row.value} cannot be proven by email: an admin's mailbox proves nothing about a ${PLATFORM_NAMES[row.kind]} account; ${howToProve(row.kind, row.value, row.org_id)}`,
    );
  }
  refuseIfProvenElsewhere(db, row);
  const address = normaliseEmail(input.address ?? `admin@${row.value}`);
  const allowed = VERIFICATION_MAILBOXES.map((mailbox) => `${mailbox}@${row.value}`);
  if (!allowed.includes(address)) throw new InputError(`verification mail for ${row.value} goes only to ${allowed.join(', ')}; got ${address}`);
  const recipients = [address];
  const token = newToken();
  const expiresAt = expiry(now, settings);
  const org = getOrganisation(db, row.org_id);
  db.transaction(() => {
    statement(db, "UPDATE identifiers SET token_hash = ?, token_expires_at = ?, token_purpose = 'email', token_sent_to = ? WHERE id = ?").run(
      hashToken(token),
      expiresAt,
      recipients.join(', '),
      row.id,
    );
    for (const recipient of recipients) {
      enqueue(
        db,
        {
          dedupeKey: `verification:${row.id}:${hashToken(token)}:${recipient}`,
          channel: 'email',
          recipient,
          kind: 'verification',
          orgId: row.org_id,
          payload: {
            organisation: org.name,
            identifier: { kind: row.kind, value: row.value },
            link: new URL(`verify/${token}`, withSlash(settings.publicUrl)).href,
            expiresAt,
          },
        },
        now,
      );
    }
    audit(db, { actor, orgId: row.org_id, action: 'identifier.verification-mailed', subject: `${row.kind} ${row.value}`, detail: { to: recipients }, at: now });
  })();
  return { sentTo: recipients, expiresAt };
}

/** Consumes a mailed verification link's token: valid once, until it expires. */
export function confirmVerificationToken(db: Db, token: string, actor: string, onVerified: OnVerified, now: Date = new Date()): Identifier {
  const row = statement(db, "SELECT * FROM identifiers WHERE token_hash = ? AND token_purpose = 'email'").get(hashToken(token.trim())) as IdentifierRow | undefined;
  if (!row) throw new InputError('this verification link is unknown or has already been used');
  if (!row.token_expires_at || Date.parse(row.token_expires_at) <= now.getTime()) {
    throw new InputError(`this verification link expired at ${row.token_expires_at}; ask for a new one`);
  }
  // Links mailed to a platform identifier's admins before that stopped proving anything.
  if (!DOMAIN_KINDS.includes(row.kind)) {
    throw new InputError(`a mailed link no longer proves ${row.kind} ${row.value}: an admin's email proves nothing about a ${PLATFORM_NAMES[row.kind]} account; the leakwatch operator can say how to prove it`);
  }
  return markVerified(db, row, 'email', actor, onVerified, now);
}

/**
 * Proves a Teams tenant with what Microsoft publishes: the OpenID
 * configuration of a domain names the tenant that verified the domain with
 * Microsoft. The tenant is the organisation's when one of its own verified
 * email domains belongs to it. Fetched through the guarded HTTP client; a
 * failed or unreadable answer changes nothing.
 */
export async function verifyByTenant(
  db: Db,
  input: { orgId: number; value: string },
  settings: VerificationSettings,
  http: Pick<HttpClient, 'get'>,
  actor: string,
  onVerified: OnVerified,
  now: Date = new Date(),
): Promise<Identifier> {
  const row = pendingIdentifier(db, input.orgId, input.value);
  if (row.kind !== 'teams-tenant') {
    const instead = DOMAIN_KINDS.includes(row.kind) ? 'a domain is proven with --method dns or --method email' : howToProve(row.kind, row.value, row.org_id);
    throw new InputError(`--method tenant proves a teams-tenant only; ${row.kind} ${row.value}: ${instead}`);
  }
  refuseIfProvenElsewhere(db, row);
  const domains = statement(db, "SELECT value FROM identifiers WHERE org_id = ? AND kind = 'email-domain' AND status = 'verified' ORDER BY value").pluck().all(row.org_id) as string[];
  if (domains.length === 0) {
    throw new InputError(
      `teams-tenant ${row.value} is proven through a verified email domain of organisation ${row.org_id}, which has none yet; verify one first ` +
        `(\`leakwatch identifier add --org ${row.org_id} --kind email-domain --value DOMAIN\`), or the leakwatch operator vouches for the tenant (--method manual)`,
    );
  }
  const base = settings.microsoftLoginUrl ?? MICROSOFT_LOGIN_URL;
  const answers: TenantAnswer[] = [];
  // One domain at a time: the first that belongs to the tenant proves it, and Microsoft is asked no more than needed.
  for (const domain of domains) {
    const answer = await publishedTenant(http, base, domain);
    if ('tenant' in answer && answer.tenant === row.value) {
      // Read again: the claim may have changed while Microsoft was asked.
      const current = pendingIdentifier(db, row.org_id, row.value);
      return markVerified(db, current, 'tenant', actor, onVerified, now, { domain, document: answer.url });
    }
    answers.push(answer);
  }
  const said = (list: TenantAnswer[]) =>
    list.map((a) => ('error' in a ? `${a.domain} (${a.error})` : a.tenant ? `${a.domain} belongs to tenant ${a.tenant}` : `${a.domain} belongs to no Microsoft tenant (${base} answered 400)`));
  const failed = answers.filter((a) => 'error' in a);
  if (failed.length > 0) {
    const others = said(answers.filter((a) => !('error' in a)));
    throw new InputError(`could not learn the Microsoft tenant of ${said(failed).join(', ')}${others.map((o) => `; ${o}`).join('')}; nothing changed, try again`);
  }
  throw new InputError(`teams-tenant ${row.value} is not the tenant of any verified email domain of organisation ${row.org_id}: ${said(answers).join('; ')}; nothing changed`);
}

type TenantAnswer = { domain: string; url: string; tenant: string | null } | { domain: string; url: string; error: string };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The tenant Microsoft names for a domain; `tenant: null` when it knows none (400, `invalid_tenant`). */
async function publishedTenant(http: Pick<HttpClient, 'get'>, base: string, domain: string): Promise<TenantAnswer> {
  const url = new URL(`${encodeURIComponent(domain)}/v2.0/.well-known/openid-configuration`, withSlash(base)).href;
  let document: unknown;
  try {
    // Asked on the organisation's behalf, as a calendar feed is: not crawling, so robots.txt does not apply.
    const response = await http.get(url, { headers: { accept: 'application/json' }, conditional: false, robots: false });
    document = response.json();
  } catch (error) {
    // Microsoft answers an unknown domain with 400 {"error":"invalid_tenant"}; the client keeps no 4xx body, the status says it.
    if (error instanceof BlockedError && error.status === 400) return { domain, url, tenant: null };
    return { domain, url, error: error instanceof Error ? error.message : String(error) };
  }
  const fields = document !== null && typeof document === 'object' ? (document as Record<string, unknown>) : {};
  const tenants = new Set(['issuer', 'token_endpoint'].flatMap((field) => tenantInUrl(fields[field])));
  if (tenants.size === 0) return { domain, url, error: 'its OpenID configuration names no tenant id in "issuer" or "token_endpoint"' };
  if (tenants.size > 1) return { domain, url, error: `its OpenID configuration names two tenants (${[...tenants].join(', ')})` };
  return { domain, url, tenant: [...tenants][0]! };
}

/** `https://login.microsoftonline.com/<tenant>/v2.0` → the tenant id; nothing for another shape. */
function tenantInUrl(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  try {
    const first = new URL(value).pathname.split('/')[1]?.toLowerCase() ?? '';
    return GUID.test(first) ? [first] : [];
  } catch {
    return [];
  }
}

/** The operator vouches for the organisation's control of the identifier; recorded in the audit log. */
export function verifyManually(db: Db, input: { orgId: number; value: string; note?: string | undefined }, actor: string, onVerified: OnVerified, now: Date = new Date()): Identifier {
  const row = pendingIdentifier(db, input.orgId, input.value);
  return markVerified(db, row, 'manual', actor, onVerified, now, input.note ? { note: input.note } : {});
}

/** Where a connected platform account reported an identifier: for the audit log. */
export interface ConnectionProof {
  connectionId: number;
  provider: string;
  /** Which answer of the platform's API named it. */
  evidence: string;
}

export interface ConnectionProofOutcome {
  identifier: Identifier | null;
  /**
   * proven: verified now (claimed first if the organisation had not);
   * confirmed: it was verified already, and now rests on the connection;
   * unchanged: proven by a connection before;
   * held-elsewhere: another organisation holds it proven, so nothing changed (the operator decides).
   */
  outcome: 'proven' | 'confirmed' | 'unchanged' | 'held-elsewhere';
  /** Unproven claims of other organisations that the proof settled (set to revoked). */
  settled: number;
}

/**
 * A connected platform account reported an identifier (a Zoom account's
 * vanity subdomain): that proves it for the connection's organisation, with
 * no operator's vouch and no first-come claim involved. Other organisations'
 * unproven claims of it are settled (revoked), each audited in its own
 * organisation. A claim another organisation holds proven is left alone and
 * the contest audited: which proof wins is the operator's call.
 */
export function proveByConnection(
  db: Db,
  input: { orgId: number; kind: IdentifierKind; value: string },
  proof: ConnectionProof,
  actor: string,
  onVerified: OnVerified,
  now: Date = new Date(),
): ConnectionProofOutcome {
  const { kind, value } = normaliseIdentifier(input.kind, input.value);
  return db.transaction((): ConnectionProofOutcome => {
    const detail = { method: 'connection', ...proof };
    const holder = statement(db, "SELECT id FROM identifiers WHERE kind = ? AND value = ? AND status = 'verified' AND org_id != ?").pluck().get(kind, value, input.orgId) as number | undefined;
    if (holder !== undefined) {
      audit(db, { actor, orgId: input.orgId, action: 'identifier.proof-contested', subject: `${kind} ${value}`, detail: { ...detail, heldByIdentifier: holder }, at: now });
      const own = statement(db, 'SELECT * FROM identifiers WHERE org_id = ? AND kind = ? AND value = ?').get(input.orgId, kind, value) as IdentifierRow | undefined;
      return { identifier: own ? toIdentifier(own) : null, outcome: 'held-elsewhere', settled: 0 };
    }
    let row = statement(db, 'SELECT * FROM identifiers WHERE org_id = ? AND kind = ? AND value = ?').get(input.orgId, kind, value) as IdentifierRow | undefined;
    if (!row) {
      const id = statement(db, 'INSERT INTO identifiers (org_id, kind, value, created_at) VALUES (?, ?, ?, ?) RETURNING id').pluck().get(input.orgId, kind, value, now.toISOString()) as number;
      audit(db, { actor, orgId: input.orgId, action: 'identifier.added', subject: `${kind} ${value}`, detail, at: now });
      row = statement(db, 'SELECT * FROM identifiers WHERE id = ?').get(id) as IdentifierRow;
    }
    let identifier: Identifier;
    let outcome: ConnectionProofOutcome['outcome'];
    if (row.status !== 'verified') {
      identifier = markVerified(db, row, 'connection', actor, onVerified, now, { ...proof });
      outcome = 'proven';
    } else if (row.method !== 'connection') {
      statement(db, "UPDATE identifiers SET method = 'connection', verified_at = ?, verified_by = ? WHERE id = ?").run(now.toISOString(), actor, row.id);
      audit(db, { actor, orgId: input.orgId, action: 'identifier.verified', subject: `${kind} ${value}`, detail: { ...detail, previousMethod: row.method }, at: now });
      identifier = identifierById(db, row.id);
      outcome = 'confirmed';
    } else {
      identifier = toIdentifier(row);
      outcome = 'unchanged';
    }
    const unproven = statement(db, "SELECT id, org_id FROM identifiers WHERE kind = ? AND value = ? AND status = 'pending' AND org_id != ?").all(kind, value, input.orgId) as { id: number; org_id: number }[];
    for (const claim of unproven) {
      statement(db, "UPDATE identifiers SET status = 'revoked', token_hash = NULL, token_expires_at = NULL, token_purpose = NULL WHERE id = ?").run(claim.id);
      audit(db, { actor, orgId: claim.org_id, action: 'identifier.claim-settled', subject: `${kind} ${value}`, detail: { identifierId: claim.id, provenByIdentifier: identifier.id, ...detail }, at: now });
    }
    if (unproven.length > 0) {
      audit(db, { actor, orgId: input.orgId, action: 'identifier.conflict-settled', subject: `${kind} ${value}`, detail: { ...detail, revokedClaims: unproven.map((c) => c.id) }, at: now });
    }
    return { identifier, outcome, settled: unproven.length };
  })();
}

/** A new DNS token for a pending domain identifier (the old one stops working). */
export function reissueDnsToken(db: Db, input: { orgId: number; value: string }, settings: VerificationSettings, actor: string, now: Date = new Date()): { token: string; expiresAt: string } {
  const row = pendingIdentifier(db, input.orgId, input.value);
  if (!DOMAIN_KINDS.includes(row.kind)) throw new InputError(`${row.kind} ${row.value} has no DNS name to prove`);
  const token = newToken();
  const expiresAt = expiry(now, settings);
  statement(db, "UPDATE identifiers SET token_hash = ?, token_expires_at = ?, token_purpose = 'dns', token_sent_to = NULL WHERE id = ?").run(hashToken(token), expiresAt, row.id);
  audit(db, { actor, orgId: row.org_id, action: 'identifier.token-reissued', subject: `${row.kind} ${row.value}`, at: now });
  return { token, expiresAt };
}

/** One organisation's identifier by its number; another organisation's is not found. */
export function getIdentifier(db: Db, orgId: number, id: number): Identifier {
  const row = statement(db, 'SELECT * FROM identifiers WHERE id = ? AND org_id = ?').get(id, orgId) as IdentifierRow | undefined;
  if (!row) throw new NotFoundError(`organisation ${orgId} has no identifier ${id}`);
  return toIdentifier(row);
}

export function listIdentifiers(db: Db, orgId: number): Identifier[] {
  getOrganisation(db, orgId);
  return (statement(db, 'SELECT * FROM identifiers WHERE org_id = ? ORDER BY kind, value').all(orgId) as IdentifierRow[]).map(toIdentifier);
}

/** One organisation's claim of an identifier, as `identifier conflicts` lists it. */
export interface Claim {
  identifierId: number;
  orgId: number;
  orgName: string;
  status: Identifier['status'];
  /** How it was proven; null while it is not. */
  method: string | null;
  claimedAt: string;
  verifiedAt: string | null;
}

/** An identifier claimed by more than one organisation. */
export interface Conflict {
  kind: IdentifierKind;
  value: string;
  /** The organisation that holds it proven (its alerts go there), or null if none does. */
  provenByOrgId: number | null;
  /** Oldest claim first. */
  claims: Claim[];
}

/**
 * Every identifier claimed by more than one organisation, for the operator:
 * the same name claimed twice is either a squatter or a mistake, whether or
 * not one of the claims is proven.
 */
export function listConflicts(db: Db): Conflict[] {
  const rows = statement(
    db,
    `SELECT i.id, i.kind, i.value, i.org_id, o.name, i.status, i.method, i.created_at, i.verified_at
     FROM identifiers i JOIN organisations o ON o.id = i.org_id
     WHERE (i.kind, i.value) IN (SELECT kind, value FROM identifiers GROUP BY kind, value HAVING count(*) > 1)
     ORDER BY i.kind, i.value, i.created_at, i.id`,
  ).all() as { id: number; kind: IdentifierKind; value: string; org_id: number; name: string; status: Identifier['status']; method: string | null; created_at: string; verified_at: string | null }[];
  const conflicts: Conflict[] = [];
  for (const row of rows) {
    let conflict = conflicts.at(-1);
    if (!conflict || conflict.kind !== row.kind || conflict.value !== row.value) {
      conflict = { kind: row.kind, value: row.value, provenByOrgId: null, claims: [] };
      conflicts.push(conflict);
    }
    if (row.status === 'verified') conflict.provenByOrgId = row.org_id;
    conflict.claims.push({ identifierId: row.id, orgId: row.org_id, orgName: row.name, status: row.status, method: row.method, claimedAt: row.created_at, verifiedAt: row.verified_at });
  }
  return conflicts;
}

/** Admin addresses of an organisation whose domain is one of its verified email domains. */
export function verifiedAdmins(db: Db, orgId: number): string[] {
  const domains = new Set(
    statement(db, "SELECT value FROM identifiers WHERE org_id = ? AND kind = 'email-domain' AND status = 'verified'").pluck().all(orgId) as string[],
  );
  const admins = statement(db, "SELECT email FROM contacts WHERE org_id = ? AND role = 'admin' ORDER BY email").pluck().all(orgId) as string[];
  return admins.filter((email) => domains.has(emailDomain(email)));
}

/**
 * How a platform identifier can be proven, in words: for refusals. Zoom and
 * Webex publish nothing that ties a site to a domain, so only the operator can.
 */
function howToProve(kind: IdentifierKind, value: string, orgId: number): string {
  const verify = `leakwatch identifier verify --org ${orgId} --value ${value}`;
  const manual = `the leakwatch operator vouches for it once satisfied it is the organisation's (\`${verify} --method manual --note "how you know"\`)`;
  if (kind === 'teams-tenant') {
    return `it is proven by \`${verify} --method tenant\` once an email domain of the organisation is verified (Microsoft publishes each domain's tenant), or ${manual}`;
  }
  return `${PLATFORM_NAMES[kind]} publishes nothing that ties a ${kind === 'zoom-subdomain' ? 'subdomain' : 'site'} to a domain, so it is proven only when ${manual}`;
}

/** What `identifier add` prints for a Zoom, Teams or Webex identifier. */
function platformInstructions(kind: IdentifierKind, value: string, org: { id: number; name: string }): string[] {
  const verify = `leakwatch identifier verify --org ${org.id} --value ${value}`;
  const manual = `  manual: the leakwatch operator, once satisfied that ${org.name} controls it, runs: ${verify} --method manual --note "how you know"`;
  const lines =
    kind === 'teams-tenant'
      ? [
          `Prove that tenant ${value} is ${org.name}'s in one of two ways:`,
          `  tenant: once an email domain of ${org.name} is verified, run: ${verify} --method tenant`,
          `          (asks Microsoft which tenant each verified email domain belongs to; proven when one of them is ${value})`,
          manual,
        ]
      : [
          `${PLATFORM_NAMES[kind]} publishes nothing that ties ${value} to a domain, so only the operator can prove it:`,
          manual,
        ];
  return [...lines, `An email to the organisation's admins does not prove a ${PLATFORM_NAMES[kind]} account.`];
}

function markVerified(db: Db, row: IdentifierRow, method: VerificationMethod, actor: string, onVerified: OnVerified, now: Date, detail: Record<string, unknown> = {}): Identifier {
  return db.transaction(() => {
    refuseIfProvenElsewhere(db, row);
    try {
      statement(db,
        `UPDATE identifiers SET status = 'verified', method = ?, verified_at = ?, verified_by = ?,
           token_hash = NULL, token_expires_at = NULL, token_purpose = NULL WHERE id = ?`,
      ).run(method, now.toISOString(), actor, row.id);
    } catch (error) {
      // identifiers_proven: another connection proved it for another organisation since the check above.
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw provenElsewhereError(row);
      throw error;
    }
    audit(db, {
      actor,
      orgId: row.org_id,
      action: method === 'manual' ? 'identifier.vouched' : 'identifier.verified',
      subject: `${row.kind} ${row.value}`,
      detail: { method, ...detail },
      at: now,
    });
    const identifier = identifierById(db, row.id);
    onVerified(db, identifier, now);
    return identifier;
  })();
}

/** Whether an organisation other than the claim's holds the identifier proven. */
function provenElsewhere(db: Db, claim: { id: number; kind: string; value: string }): boolean {
  return statement(db, "SELECT 1 FROM identifiers WHERE kind = ? AND value = ? AND status = 'verified' AND id != ?").get(claim.kind, claim.value, claim.id) !== undefined;
}

/** At most one organisation holds an identifier proven; checked before anything is looked up or mailed. */
function refuseIfProvenElsewhere(db: Db, row: IdentifierRow): void {
  if (provenElsewhere(db, row)) throw provenElsewhereError(row);
}

function provenElsewhereError(row: Pick<IdentifierRow, 'kind' | 'value'>): InputError {
  // Never say which organisation holds it.
  return new InputError(
    `${row.kind} ${row.value} is already proven by another organisation, and only one can hold it proven; nothing changed. ` +
      'If this claim is the right one, the leakwatch operator sees both in `leakwatch identifier conflicts`',
  );
}

function pendingIdentifier(db: Db, orgId: number, rawValue: string): IdentifierRow {
  getOrganisation(db, orgId);
  const rows = statement(db, 'SELECT * FROM identifiers WHERE org_id = ?').all(orgId) as IdentifierRow[];
  const row = rows.find((r) => {
    try {
      return normaliseIdentifier(r.kind, rawValue).value === r.value;
    } catch {
      return false;
    }
  });
  if (!row) throw new NotFoundError(`organisation ${orgId} has no identifier "${rawValue}"; add it with \`leakwatch identifier add\``);
  if (row.status === 'verified') throw new InputError(`${row.kind} ${row.value} is already verified (${row.method}, ${row.verified_at})`);
  return row;
}

function identifierById(db: Db, id: number): Identifier {
  return toIdentifier(statement(db, 'SELECT * FROM identifiers WHERE id = ?').get(id) as IdentifierRow);
}

function toIdentifier(row: IdentifierRow): Identifier {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: row.kind,
    value: row.value,
    status: row.status,
    method: row.method,
    verifiedAt: row.verified_at,
    verifiedBy: row.verified_by,
    tokenExpiresAt: row.token_expires_at,
  };
}

const newToken = newSecretToken;
export const hashToken = hashSecretToken;

function expiry(now: Date, settings: VerificationSettings): string {
  return new Date(now.getTime() + settings.tokenTtlHours * 3_600_000).toISOString();
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
