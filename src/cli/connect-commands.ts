import { readFileSync } from 'node:fs';
import { connectAccount } from '../connect/connect-account.js';
import { getConnection, listConnections, removeConnection, type Connection } from '../connect/connections.js';
import { providerFor } from '../connect/providers.js';
import { secretKeyFrom } from '../connect/secret-box.js';
import { connectionSessionsFrom, syncConnection, type SyncOutcome } from '../connect/sync.js';
import { InputError, UsageError } from '../errors.js';
import { type CommandContext, printJson } from './context.js';
import { orgIdOf, withRegistry } from './registry-commands.js';

export interface ConnectOptions {
  org: string;
  accountId: string;
  clientId: string;
  clientSecretFile?: string;
  allowRotation?: boolean;
  json?: boolean;
}

/**
 * `leakwatch connect zoom --org ID --account-id X --client-id Y`, the client
 * secret on stdin (or in `--client-secret-file`), never on the command line
 * where `ps` shows it. The credentials are tried first: what the platform
 * refuses is not stored. Then the account is synchronised once.
 */
export async function connectCommand(context: CommandContext, providerName: string, options: ConnectOptions): Promise<number> {
  const provider = providerFor(providerName);
  // Before anything is read: no key, nothing can be stored.
  const key = secretKeyFrom(context.secrets.secretKey);
  const orgId = orgIdOf(options.org);
  const secret =
    options.clientSecretFile !== undefined ? readSecretFile(options.clientSecretFile) : provider.secretIsFile ? await readSecretText(context) : await readSecretLine(context);
  if (!secret) {
    throw new UsageError(
      provider.secretIsFile
        ? `the ${provider.label} key file goes on stdin (\`… < key.json\`) or in --client-secret-file FILE; it was empty`
        : `the ${provider.label} client secret goes on stdin (\`… < secret.txt\`) or in --client-secret-file FILE; it was empty`,
    );
  }
  const sessions = connectionSessionsFrom(context.config);
  return withRegistry(context, async (db, registration) => {
    const { connection: stored, sync, notes } = await connectAccount(
      db,
      { orgId, provider, credential: { accountId: options.accountId, clientId: options.clientId, secret }, writeOptIn: options.allowRotation ?? false },
      { key, sessions, registration, log: context.log, actor: context.actor },
    );
    if (context.options.json) {
      printJson(context.io, { connection: stored, sync, notes });
      return sync.status === 'ok' ? 0 : 1;
    }
    context.io.stdout.write(
      [
        `connection ${stored.id}: ${provider.label} account ${stored.accountId} of organisation ${orgId} (client ${stored.clientId}); the secret is stored encrypted`,
        ...notes.map((note) => `note: ${note}`),
        describeSync(sync),
        `kept in step on \`connections.cron\` by \`leakwatch run\`; \`leakwatch disconnect ${stored.id}\` removes it and its meetings`,
      ].join('\n') + '\n',
    );
    return sync.status === 'ok' ? 0 : 1;
  });
}

/** `leakwatch connections list [--org ID]`: never a secret. */
export function connectionsListCommand(context: CommandContext, options: { org?: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const connections = listConnections(db, options.org === undefined ? undefined : orgIdOf(options.org));
    if (context.options.json) printJson(context.io, connections);
    else context.io.stdout.write(`${connections.length ? connections.map(describeConnection).join('\n') : 'no connections'}\n`);
    return 0;
  });
}

/** `leakwatch connections sync [ID]`: one connection, or every one; exit 1 if any failed. */
export async function connectionsSyncCommand(context: CommandContext, id: string | undefined): Promise<number> {
  const key = secretKeyFrom(context.secrets.secretKey);
  const sessions = connectionSessionsFrom(context.config);
  return withRegistry(context, async (db, registration) => {
    const ids = id === undefined ? listConnections(db).map((c) => c.id) : [getConnection(db, connectionIdOf(id)).id];
    const outcomes: SyncOutcome[] = [];
    for (const connectionId of ids) outcomes.push(await syncConnection(db, connectionId, { key, registration, sessions, log: context.log, actor: context.actor }));
    if (context.options.json) printJson(context.io, outcomes);
    else context.io.stdout.write(`${outcomes.length ? outcomes.map((o) => `connection ${o.connection}: ${describeSync(o)}`).join('\n') : 'no connections'}\n`);
    return outcomes.every((o) => o.status === 'ok') ? 0 : 1;
  });
}

/** `leakwatch disconnect ID`: the connection, its sealed secret and its meetings go. */
export function disconnectCommand(context: CommandContext, id: string): Promise<number> {
  return withRegistry(context, (db) => {
    const { connection, removedMeetings } = removeConnection(db, connectionIdOf(id), context.actor);
    if (context.options.json) printJson(context.io, { connection, removedMeetings });
    else {
      context.io.stdout.write(
        `connection ${connection.id} (${connection.provider} account ${connection.accountId}) removed with its ${removedMeetings} meeting(s) and its stored secret; ` +
          `delete the app in the platform too so its credentials stop working\n`,
      );
    }
    return 0;
  });
}

export function connectionIdOf(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`a connection number from \`leakwatch connections list\` is a positive number, got "${value}"`);
  return id;
}

function describeSync(outcome: SyncOutcome): string {
  if (outcome.status !== 'ok') {
    return `sync ${outcome.status === 'revoked' ? 'refused' : 'failed'}: ${outcome.error}${outcome.reported ? ' (the organisation\'s admins were told)' : ''}`;
  }
  const proven = outcome.identifiers.map((i) => `${i.kind} ${i.value} ${i.outcome}${i.settled ? ` (${i.settled} unproven claim(s) elsewhere settled)` : ''}`);
  return [
    `synchronised: ${outcome.added} meeting(s) added, ${outcome.updated} updated, ${outcome.removed} removed${outcome.skipped.length ? `, ${outcome.skipped.length} skipped` : ''}${outcome.organisers ? `; ${outcome.organisers} host(s) added as organisers` : ''}`,
    ...outcome.skipped.map((s) => `  skipped: ${s}`),
    ...(proven.length ? [`identifiers reported by the account: ${proven.join('; ')}`] : []),
  ].join('\n');
}

function describeConnection(c: Connection): string {
  return [
    `${c.id}`,
    c.provider,
    `org ${c.orgId}`,
    `account ${c.accountId}`,
    `client ${c.clientId}`,
    c.status,
    `${c.meetings} meeting(s)`,
    `last sync ${c.lastSyncAt ?? 'never'}`,
    ...(c.writeOptIn ? ['rotation allowed'] : []),
    ...(c.lastError ? [`last error: ${c.lastError}`] : []),
  ].join('\t');
}

function readSecretFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new InputError(`cannot read --client-secret-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
}

/** All of stdin (a key file of several lines), without echoing it anywhere; at most 64 KiB. */
export async function readSecretText(context: CommandContext): Promise<string> {
  const stdin = context.io.stdin as NodeJS.ReadableStream & { isTTY?: boolean };
  if (stdin.isTTY) context.io.stderr.write('key file (paste it, then Ctrl-D; input is not shown in any output): ');
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.length > 65_536) throw new InputError('the key file on stdin is larger than 64 KiB; it is not a key');
  }
  return text.trim();
}

/** The first line of stdin, without echoing it anywhere. */
export async function readSecretLine(context: CommandContext): Promise<string> {
  const stdin = context.io.stdin as NodeJS.ReadableStream & { isTTY?: boolean };
  if (stdin.isTTY) context.io.stderr.write('client secret (input is not shown in any output; end with Enter): ');
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return (text.split(/\r?\n/)[0] ?? '').trim();
}
