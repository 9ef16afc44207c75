import { InputError, NotFoundError } from '../errors.js';
import { getOrganisation } from '../registry/organisations.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import type { ConnectionCredential, ProviderName } from './provider.js';
import { open, seal } from './secret-box.js';

export type ConnectionStatus = 'pending' | 'ok' | 'failing' | 'revoked';

/** A connection as it is shown: never its secret. */
export interface Connection {
  id: number;
  orgId: number;
  provider: ProviderName;
  accountId: string;
  clientId: string;
  scopes: string[];
  /** The admin allowed the write scope that rotation needs. */
  writeOptIn: boolean;
  status: ConnectionStatus;
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  failingSince: string | null;
  /** The organisation's admins were told the credential is refused (once per episode). */
  errorReported: boolean;
  lastResult: unknown;
  /** Meetings imported from it. */
  meetings: number;
  createdAt: string;
  createdBy: string;
}

interface ConnectionRow {
  id: number;
  org_id: number;
  provider: ProviderName;
  account_id: string;
  client_id: string;
  sealed_secret: string;
  scopes: string | null;
  write_opt_in: number;
  status: ConnectionStatus;
  last_sync_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  failing_since: string | null;
  error_reported: number;
  last_result: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
}

export interface NewConnection {
  orgId: number;
  provider: ProviderName;
  accountId: string;
  clientId: string;
  secret: string;
  scopes: string[];
  writeOptIn: boolean;
}

/** Stores a connection with its secret sealed under `key`; one platform account is connected once. */
export function createConnection(db: Db, input: NewConnection, key: Buffer, actor: string, now: Date = new Date()): Connection {
  getOrganisation(db, input.orgId);
  const accountId = input.accountId.trim();
  const clientId = input.clientId.trim();
  if (!accountId) throw new InputError('the account id is empty');
  if (!clientId) throw new InputError('the client id is empty');
  if (!input.secret) throw new InputError('the client secret is empty');
  return db.transaction(() => {
    const existing = statement(db, 'SELECT id, org_id FROM connections WHERE provider = ? AND account_id = ?').get(input.provider, accountId) as { id: number; org_id: number } | undefined;
    if (existing) {
      // Said without naming another organisation.
      throw new InputError(
        existing.org_id === input.orgId
          ? `${input.provider} account ${accountId} is already connected (connection ${existing.id}); \`leakwatch disconnect ${existing.id}\` first to replace its credentials`
          : `${input.provider} account ${accountId} is already connected to another organisation; the leakwatch operator can help`,
      );
    }
    const sealed = seal(key, input.secret, { orgId: input.orgId, provider: input.provider, accountId });
    const at = now.toISOString();
    const id = statement(
      db,
      `INSERT INTO connections (org_id, provider, account_id, client_id, sealed_secret, scopes, write_opt_in, created_at, created_by, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
      .pluck()
      .get(input.orgId, input.provider, accountId, clientId, sealed, input.scopes.join(' ') || null, input.writeOptIn ? 1 : 0, at, actor, at) as number;
    audit(db, { actor, orgId: input.orgId, action: 'connection.created', subject: `${input.provider} ${accountId}`, detail: { id, clientId, writeOptIn: input.writeOptIn, scopes: input.scopes }, at: now });
    return getConnection(db, id);
  })();
}

/** One connection; with `orgId`, another organisation's is not found. */
export function getConnection(db: Db, id: number, orgId?: number): Connection {
  const row = statement(db, 'SELECT * FROM connections WHERE id = ?').get(id) as ConnectionRow | undefined;
  if (!row || (orgId !== undefined && row.org_id !== orgId)) throw new NotFoundError(orgId === undefined ? `no connection ${id}` : `organisation ${orgId} has no connection ${id}`);
  return toConnection(db, row);
}

/** Every connection, or one organisation's. */
export function listConnections(db: Db, orgId?: number): Connection[] {
  if (orgId !== undefined) getOrganisation(db, orgId);
  const rows = (orgId === undefined ? statement(db, 'SELECT * FROM connections ORDER BY id').all() : statement(db, 'SELECT * FROM connections WHERE org_id = ? ORDER BY id').all(orgId)) as ConnectionRow[];
  return rows.map((row) => toConnection(db, row));
}

/** The credential of a connection, opened with `key`: in memory only, for the provider's session. */
export function connectionCredential(db: Db, id: number, key: Buffer): ConnectionCredential & { sealed: string } {
  const row = statement(db, 'SELECT * FROM connections WHERE id = ?').get(id) as ConnectionRow | undefined;
  if (!row) throw new NotFoundError(`no connection ${id}`);
  const secret = open(key, row.sealed_secret, { orgId: row.org_id, provider: row.provider, accountId: row.account_id });
  return { accountId: row.account_id, clientId: row.client_id, secret, sealed: row.sealed_secret };
}

/** Removes a connection, its sealed secret and the meetings imported from it (their leaks stay, detached). */
export function removeConnection(db: Db, id: number, actor: string, orgId?: number, now: Date = new Date()): { connection: Connection; removedMeetings: number } {
  return db.transaction(() => {
    const connection = getConnection(db, id, orgId);
    const removedMeetings = statement(db, 'DELETE FROM meetings WHERE connection_id = ?').run(id).changes;
    statement(db, 'DELETE FROM connections WHERE id = ?').run(id);
    audit(db, { actor, orgId: connection.orgId, action: 'connection.removed', subject: `${connection.provider} ${connection.accountId}`, detail: { id, removedMeetings }, at: now });
    return { connection, removedMeetings };
  })();
}

function toConnection(db: Db, row: ConnectionRow): Connection {
  return {
    id: row.id,
    orgId: row.org_id,
    provider: row.provider,
    accountId: row.account_id,
    clientId: row.client_id,
    scopes: (row.scopes ?? '').split(' ').filter(Boolean),
    writeOptIn: row.write_opt_in === 1,
    status: row.status,
    lastSyncAt: row.last_sync_at,
    lastSuccessAt: row.last_success_at,
    lastError: row.last_error,
    failingSince: row.failing_since,
    errorReported: row.error_reported === 1,
    lastResult: row.last_result === null ? null : (JSON.parse(row.last_result) as unknown),
    meetings: statement(db, 'SELECT count(*) FROM meetings WHERE connection_id = ?').pluck().get(row.id) as number,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
