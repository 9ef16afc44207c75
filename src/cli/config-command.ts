import { SECRET_ENV } from '../config/schema.js';
import { type CommandContext, printJson } from './context.js';

/**
 * `leakwatch config`: the effective configuration after every layer is merged,
 * and which secrets the environment provides (never their values).
 */
export function configCommand(context: CommandContext): number {
  const secrets = Object.fromEntries(
    Object.entries(SECRET_ENV).map(([key, env]) => [key, { env, set: context.secrets[key as keyof typeof SECRET_ENV] !== undefined }]),
  );
  printJson(context.io, { files: context.files, config: context.config, secrets });
  return 0;
}
