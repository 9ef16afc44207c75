import { setZoomWebhookSecret } from '../connect/zoom-webhooks.js';
import { secretKeyFrom } from '../connect/secret-box.js';
import { UsageError } from '../errors.js';
import { connectionIdOf, readSecretLine } from './connect-commands.js';
import { type CommandContext, printJson } from './context.js';
import { withRegistry } from './registry-commands.js';

/**
 * `leakwatch connections notifications ID < secret-token.txt`: accept Zoom's
 * event notifications for a connection, signed with its app's Secret Token
 * (read from stdin, stored encrypted); `--off` stops accepting them.
 */
export async function zoomNotificationsCommand(context: CommandContext, id: string, options: { off?: boolean }): Promise<number> {
  const connectionId = connectionIdOf(id);
  const key = secretKeyFrom(context.secrets.secretKey);
  const secret = options.off ? null : await readSecretLine(context);
  if (secret === '') throw new UsageError("the Zoom app's Secret Token goes on stdin (`… < token.txt`); it was empty");
  return withRegistry(context, (db) => {
    setZoomWebhookSecret(db, connectionId, secret, key, context.actor);
    const url = new URL(`hooks/zoom/${connectionId}`, context.config.web.publicUrl.endsWith('/') ? context.config.web.publicUrl : `${context.config.web.publicUrl}/`).href;
    if (context.options.json) printJson(context.io, { connection: connectionId, notifications: secret !== null, url });
    else if (secret === null) context.io.stdout.write(`connection ${connectionId}: Zoom notifications are no longer accepted\n`);
    else {
      context.io.stdout.write(
        `connection ${connectionId}: Zoom notifications are accepted at ${url}\n` +
          'In the Zoom app, Features → Event Subscriptions: that URL, and the events Meeting has been created, updated and deleted. Zoom validates the URL when saved; it must be public, over https.\n',
      );
    }
    return 0;
  });
}
