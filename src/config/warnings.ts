/**
 * A configuration can be valid and still not do what the operator wants:
 * these are logged by `leakwatch run` at start-up and listed by
 * `leakwatch config` under `warnings`.
 */
import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { secretKeyFrom } from '../connect/secret-box.js';
import { DEFAULT_CONFIG_FILE } from './load.js';
import type { Config, Secrets } from './schema.js';

export interface ConfigWarning {
  /** Stable, for scripts: `public-url-local`, `default-mail-from`, `no-smtp`, `secret-key-malformed`. */
  code: 'public-url-local' | 'default-mail-from' | 'no-smtp' | 'secret-key-malformed';
  message: string;
}

/** The sender address the shipped defaults carry: no mail system will take it as anyone's. */
const SHIPPED_MAIL_FROM = (JSON.parse(readFileSync(DEFAULT_CONFIG_FILE, 'utf8')) as Config).mail.from;

export function configWarnings(config: Pick<Config, 'web' | 'mail'>, secrets: Secrets): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  const smtp = secrets.smtpUrl ?? config.mail.smtpUrl;
  if (smtp && isLocalHost(new URL(config.web.publicUrl).hostname)) {
    warnings.push({
      code: 'public-url-local',
      message: `web.publicUrl is ${config.web.publicUrl} while SMTP is configured: the buttons in alert emails would open each recipient's own machine; set web.publicUrl to the address people reach leakwatch at`,
    });
  }
  if (config.mail.from === SHIPPED_MAIL_FROM) {
    warnings.push({
      code: 'default-mail-from',
      message: `mail.from is still the shipped ${SHIPPED_MAIL_FROM}: mail systems reject or junk it; set LEAKWATCH_MAIL_FROM or mail.from to an address of your domain`,
    });
  }
  if (!smtp) {
    warnings.push({ code: 'no-smtp', message: 'no SMTP server is configured: emails wait in the outbox until LEAKWATCH_SMTP_URL (or mail.smtpUrl) is set' });
  }
  if (secrets.secretKey !== undefined) {
    try {
      secretKeyFrom(secrets.secretKey);
    } catch (error) {
      // `leakwatch run` refuses to start on it; `leakwatch config` says so beforehand.
      warnings.push({ code: 'secret-key-malformed', message: `${(error as Error).message.replace(/^invalid configuration:\s*/, '').trim()}; \`leakwatch run\` does not start with it` });
    }
  }
  return warnings;
}

/** `localhost`, `*.localhost`, and loopback or unspecified addresses in any notation (`127.0.0.1`, `[::1]`, `0.0.0.0`). */
function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (!ipaddr.isValid(host)) return false;
  const range = ipaddr.process(host).range();
  return range === 'loopback' || range === 'unspecified';
}
