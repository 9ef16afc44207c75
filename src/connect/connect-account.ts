/**
 * Connecting a platform account, as `leakwatch connect` and the dashboard's
 * connections page both do it: the credential is tried first (what the
 * platform refuses is never stored), stored sealed, and synchronised once.
 */
import { InputError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Registration } from '../match/registration.js';
import { getOrganisation } from '../registry/organisations.js';
import type { Db } from '../store/database.js';
import { type Connection, connectionCredential, createConnection, getConnection } from './connections.js';
import { CredentialError } from './credential-error.js';
import type { ConnectionCredential, Provider } from './provider.js';
import { type ConnectionSessions, syncConnection, type SyncOutcome } from './sync.js';

export interface ConnectInput {
  orgId: number;
  provider: Provider;
  credential: ConnectionCredential;
  /** The admin allows the write scope rotation needs. */
  writeOptIn: boolean;
}

export interface Connected {
  connection: Connection;
  sync: SyncOutcome;
  /** What the granted scopes say about rotation (asked for and missing, or granted and not asked for). */
  notes: string[];
}

export async function connectAccount(db: Db, input: ConnectInput, deps: { key: Buffer; sessions: ConnectionSessions; registration: Registration; log: Logger; actor: string }): Promise<Connected> {
  const { provider } = input;
  getOrganisation(db, input.orgId);
  const credential = { accountId: input.credential.accountId.trim(), clientId: input.credential.clientId.trim(), secret: input.credential.secret };
  if (!credential.accountId || !credential.clientId || !credential.secret) throw new InputError(`nothing stored: the ${provider.label} account, client and secret are all needed`);
  let scopes: string[];
  const session = deps.sessions.open(provider, credential);
  try {
    ({ scopes } = await session.authorise());
  } catch (error) {
    if (error instanceof CredentialError) throw new InputError(`nothing stored: ${error.message}`, { cause: error });
    throw new InputError(`nothing stored: could not reach ${provider.label} to try the credentials (${(error as Error).message}); try again`, { cause: error });
  }
  const notes = scopeNotes(provider, scopes, input.writeOptIn);
  const connection = createConnection(db, { orgId: input.orgId, provider: provider.name, ...credential, scopes, writeOptIn: input.writeOptIn }, deps.key, deps.actor);
  // The token the try obtained serves the first sync.
  deps.sessions.adopt(connection.id, connectionCredential(db, connection.id, deps.key).sealed, session);
  const sync = await syncConnection(db, connection.id, { key: deps.key, registration: deps.registration, sessions: deps.sessions, log: deps.log, actor: deps.actor });
  return { connection: getConnection(db, connection.id), sync, notes };
}

/** What the granted scopes say about rotation: asked for and missing, or present and not asked for. */
export function scopeNotes(provider: Provider, granted: readonly string[], optIn: boolean): string[] {
  const has = provider.writeScopes.filter((scope) => granted.includes(scope));
  if (optIn && has.length < provider.writeScopes.length) {
    return [`rotation was allowed, but the app lacks ${provider.writeScopes.filter((s) => !has.includes(s)).join(', ')}; add it to the app for rotation to work`];
  }
  if (!optIn && has.length > 0) return [`the app has ${has.join(', ')}, which leakwatch uses only when rotation is allowed (--allow-rotation, or the dashboard's "Allow rotation"); remove it for the narrowest access`];
  return [];
}
