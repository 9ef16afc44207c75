/**
 * API tokens: what a school's own programs present to `/api/v1` (as
 * `Authorization: Bearer lw_…`). A token belongs to one organisation and
 * carries a scope: `read` reads, `write` also registers and changes. The
 * database keeps only the token's hash; the token is shown once, when made.
 */
import { InputError, NotFoundError } from '../errors.js';
import { getOrganisation } from '../registry/organisations.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { hashSecretToken, newSecretToken } from '../store/secret-tokens.js';
import { statement } from '../store/statements.js';

export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Every token starts with this, so a leaked one is recognisable (and secret scanners can look for it). */
export const TOKEN_PREFIX = 'lw_';
/** `lw_` and 32 random bytes, base64url: nothing else is worth a database lookup. */
const TOKEN_SHAPE = /^lw_[A-Za-z0-9_-]{43}$/;
/** `last_used_at` is written at most this often per token. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** A token as listed: never its secret. */
export interface ApiToken {
  id: number;
  orgId: number;
  name: string;
  scope: TokenScope;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Who a request's token speaks for. */
export interface TokenIdentity {
  tokenId: number;
  orgId: number;
  scope: TokenScope;
}

interface TokenRow {
  id: number;
  org_id: number;
  name: string;
  scope: TokenScope;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function isTokenScope(value: string): value is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(value);
}

/**
 * Makes a token for an organisation. The returned `token` is the only time
 * it exists outside its holder's hands: only its hash is stored.
 */
export function createToken(
  db: Db,
  input: { orgId: number; name: string; scope: string; actor: string; personId?: number | null },
  now: Date = new Date(),
): { token: string; apiToken: ApiToken } {
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (name.length === 0 || name.length > 100) throw new InputError(`a token's name must be 1 to 100 characters (what uses it, e.g. "timetable sync"), got "${input.name}"`);
  if (!isTokenScope(input.scope)) throw new InputError(`a token's scope must be ${TOKEN_SCOPES.join(' or ')}, got "${input.scope}"`);
  const scope = input.scope;
  const org = getOrganisation(db, input.orgId);
  const token = `${TOKEN_PREFIX}${newSecretToken()}`;
  const apiToken = db.transaction(() => {
    const id = statement(db, 'INSERT INTO api_tokens (org_id, name, scope, token_hash, created_by, person_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id')
      .pluck()
      .get(org.id, name, scope, hashSecretToken(token), input.actor, input.personId ?? null, now.toISOString()) as number;
    audit(db, { actor: input.actor, orgId: org.id, action: 'api-token.created', subject: `token ${id}`, detail: { name, scope }, at: now });
    return tokenById(db, org.id, id);
  })();
  return { token, apiToken };
}

/** An organisation's tokens, newest first, revoked ones included (for the record). */
export function listTokens(db: Db, orgId: number): ApiToken[] {
  getOrganisation(db, orgId);
  return (statement(db, 'SELECT * FROM api_tokens WHERE org_id = ? ORDER BY id DESC').all(orgId) as TokenRow[]).map(toApiToken);
}

/** Revokes one of an organisation's tokens; its next request is refused. Another organisation's is not found. */
export function revokeToken(db: Db, input: { orgId: number; id: number; actor: string }, now: Date = new Date()): ApiToken {
  return db.transaction(() => {
    const token = tokenById(db, input.orgId, input.id);
    if (token.revokedAt !== null) throw new InputError(`token ${token.id} was already revoked at ${token.revokedAt}`);
    statement(db, 'UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run(now.toISOString(), token.id);
    audit(db, { actor: input.actor, orgId: input.orgId, action: 'api-token.revoked', subject: `token ${token.id}`, detail: { name: token.name }, at: now });
    return tokenById(db, input.orgId, input.id);
  })();
}

/**
 * The organisation and scope of an `Authorization` header's bearer token;
 * null when there is none, it is malformed, unknown or revoked.
 */
export function authenticate(db: Db, header: string | null | undefined, now: Date = new Date()): TokenIdentity | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  const token = match?.[1];
  if (token === undefined || !TOKEN_SHAPE.test(token)) return null;
  const row = statement(db, 'SELECT id, org_id, scope FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL').get(hashSecretToken(token)) as
    | Pick<TokenRow, 'id' | 'org_id' | 'scope'>
    | undefined;
  if (row === undefined) return null;
  statement(db, 'UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)').run(
    now.toISOString(),
    row.id,
    new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString(),
  );
  return { tokenId: row.id, orgId: row.org_id, scope: row.scope };
}

function tokenById(db: Db, orgId: number, id: number): ApiToken {
  const row = statement(db, 'SELECT * FROM api_tokens WHERE id = ? AND org_id = ?').get(id, orgId) as TokenRow | undefined;
  if (row === undefined) throw new NotFoundError(`organisation ${orgId} has no API token ${id}`);
  return toApiToken(row);
}

function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    scope: row.scope,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
