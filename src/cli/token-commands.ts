import { UsageError } from '../errors.js';
import { createToken, listTokens, revokeToken } from '../api/tokens.js';
import { type CommandContext, printJson } from './context.js';
import { orgIdOf, withRegistry } from './registry-commands.js';

/** `leakwatch token create --org N --name X --scope read|write`: the token is printed once. */
export function tokenCreateCommand(context: CommandContext, options: { org: string; name: string; scope: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const { token, apiToken } = createToken(db, { orgId: orgIdOf(options.org), name: options.name, scope: options.scope, actor: context.actor });
    if (context.options.json) printJson(context.io, { ...apiToken, token });
    else {
      context.io.stdout.write(
        `API token ${apiToken.id} "${apiToken.name}" (${apiToken.scope}) for organisation ${apiToken.orgId}:\n${token}\n` +
          'It is shown only now: keep it in a secret store. Send it as "Authorization: Bearer <token>" to /api/v1.\n',
      );
    }
    return 0;
  });
}

export function tokenListCommand(context: CommandContext, options: { org: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const tokens = listTokens(db, orgIdOf(options.org));
    if (context.options.json) printJson(context.io, tokens);
    else {
      const lines = tokens.map(
        (t) => `${t.id}\t${t.scope}\t${t.name}\tcreated ${t.createdAt} by ${t.createdBy}\t${t.revokedAt ? `revoked ${t.revokedAt}` : `last used ${t.lastUsedAt ?? 'never'}`}`,
      );
      context.io.stdout.write(`${(lines.length ? lines : ['no API tokens']).join('\n')}\n`);
    }
    return 0;
  });
}

export function tokenRevokeCommand(context: CommandContext, options: { org: string; id: string }): Promise<number> {
  const id = Number(options.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`--id must be a token number from \`leakwatch token list\`, got "${options.id}"`);
  return withRegistry(context, (db) => {
    const token = revokeToken(db, { orgId: orgIdOf(options.org), id, actor: context.actor });
    if (context.options.json) printJson(context.io, token);
    else context.io.stdout.write(`API token ${token.id} "${token.name}" revoked; requests with it are refused from now on\n`);
    return 0;
  });
}
