import { SECRET_ENV } from '../config/schema.js';
import { configWarnings } from '../config/warnings.js';
import { redactUrl } from '../net/redact.js';
import { type CommandContext, printJson } from './context.js';

/**
 * `leakwatch config`: the effective configuration after every layer is merged,
 * which secrets the environment provides (never their values), and the
 * warnings `leakwatch run` would log; webhook URLs shown only up to their host.
 */
export function configCommand(context: CommandContext): number {
  const secrets = Object.fromEntries(
    Object.entries(SECRET_ENV).map(([key, env]) => [key, { env, set: context.secrets[key as keyof typeof SECRET_ENV] !== undefined }]),
  );
  // Webhook URLs are secrets of their own (Slack's and Teams' are): shown up to their host.
  const config = { ...context.config, notify: { ...context.config.notify, webhooks: context.config.notify.webhooks.map((w) => ({ ...w, url: redactUrl(w.url) })) } };
  printJson(context.io, { files: context.files, config, secrets, warnings: configWarnings(context.config, context.secrets) });
  return 0;
}
