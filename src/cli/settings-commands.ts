/**
 * `leakwatch org settings` and `leakwatch webhook add|list|remove|key`: an
 * organisation's own notification settings and webhooks, as its admins set
 * them on the dashboard, for the operator at a terminal.
 */
import { UsageError } from '../errors.js';
import { redactUrl } from '../net/redact.js';
import { effectiveSettings, organisationSettings, type SettingsChange, updateOrganisationSettings } from '../registry/org-settings.js';
import { getOrganisation } from '../registry/organisations.js';
import { addWebhook, listWebhooks, rekeyWebhook, removeWebhook } from '../registry/webhooks.js';
import { type CommandContext, printJson } from './context.js';
import { orgIdOf, withRegistry } from './registry-commands.js';

interface SettingsOptions {
  org: string;
  digestHours?: string;
  dailyCap?: string;
  escalation?: string;
  escalateAfter?: string;
}

/** `N`, or `default` for the installation's default (null). */
function numberOption(flag: string, raw: string | undefined): number | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'default') return null;
  if (!/^\d{1,7}$/.test(raw)) throw new UsageError(`${flag} must be a whole number or "default", got "${raw}"`);
  return Number(raw);
}

export function orgSettingsCommand(context: CommandContext, options: SettingsOptions): Promise<number> {
  const change: SettingsChange = {
    digestHours: numberOption('--digest-hours', options.digestHours),
    dailyCap: numberOption('--daily-cap', options.dailyCap),
    escalateAfterMinutes: numberOption('--escalate-after', options.escalateAfter),
    escalation: options.escalation === undefined ? undefined : options.escalation === 'on',
  };
  return withRegistry(context, (db) => {
    const orgId = getOrganisation(db, orgIdOf(options.org)).id;
    const own = Object.values(change).some((v) => v !== undefined) ? updateOrganisationSettings(db, orgId, change, context.actor) : organisationSettings(db, orgId);
    const applied = effectiveSettings(db, orgId, context.config.notify);
    if (context.options.json) printJson(context.io, { orgId, own, applied });
    else {
      const shown = (value: number | null, applies: number) => (value === null ? `${applies} (the installation's default)` : String(value));
      context.io.stdout.write(
        [
          `digest hours:           ${shown(own.digestHours, applied.digestHours)}`,
          `daily cap:              ${shown(own.dailyCap, applied.dailyCap)}`,
          `escalation:             ${own.escalation ? 'on' : 'off'}`,
          `escalate after minutes: ${shown(own.escalateAfterMinutes, applied.escalateAfterMinutes)}`,
        ].join('\n') + '\n',
      );
    }
    return 0;
  });
}

function webhookIdOf(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`--id must be a webhook number from \`leakwatch webhook list\`, got "${raw}"`);
  return id;
}

const keyAdvice = 'It is shown only now: keep it where the receiver checks X-Leakwatch-Signature.';

export function webhookAddCommand(context: CommandContext, options: { org: string; url: string }): Promise<number> {
  return withRegistry(context, (db) => {
    const { webhook, key } = addWebhook(db, { orgId: orgIdOf(options.org), url: options.url }, context.config.http, context.secrets.webhookSecret, context.actor);
    if (context.options.json) printJson(context.io, { id: webhook.id, orgId: webhook.orgId, url: redactUrl(webhook.url), createdAt: webhook.createdAt, key });
    else context.io.stdout.write(`webhook ${webhook.id} (${redactUrl(webhook.url)}) added to organisation ${webhook.orgId}; its signing key:\n${key}\n${keyAdvice}\n`);
    return 0;
  });
}

export function webhookListCommand(context: CommandContext, options: { org: string }): Promise<number> {
  return withRegistry(context, (db) => {
    // The path of a webhook is often its secret: only the host is printed.
    const webhooks = listWebhooks(db, orgIdOf(options.org)).map((w) => ({ ...w, url: redactUrl(w.url) }));
    if (context.options.json) printJson(context.io, webhooks);
    else context.io.stdout.write(`${(webhooks.length ? webhooks.map((w) => `${w.id}\t${w.url}\tadded ${w.createdAt} by ${w.createdBy}`) : ['no webhooks']).join('\n')}\n`);
    return 0;
  });
}

export function webhookKeyCommand(context: CommandContext, options: { org: string; id: string }): Promise<number> {
  const id = webhookIdOf(options.id);
  return withRegistry(context, (db) => {
    const { webhook, key } = rekeyWebhook(db, { orgId: orgIdOf(options.org), id }, context.secrets.webhookSecret, context.actor);
    if (context.options.json) printJson(context.io, { id: webhook.id, key });
    else context.io.stdout.write(`webhook ${webhook.id} has a new signing key (the old one no longer signs):\n${key}\n${keyAdvice}\n`);
    return 0;
  });
}

export function webhookRemoveCommand(context: CommandContext, options: { org: string; id: string }): Promise<number> {
  const id = webhookIdOf(options.id);
  return withRegistry(context, (db) => {
    const webhook = removeWebhook(db, { orgId: orgIdOf(options.org), id }, context.actor);
    if (context.options.json) printJson(context.io, { id: webhook.id, removed: true });
    else context.io.stdout.write(`webhook ${webhook.id} (${redactUrl(webhook.url)}) removed; calls still queued for it are cancelled\n`);
    return 0;
  });
}
