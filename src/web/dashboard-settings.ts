/**
 * An organisation's settings on the dashboard, for its admins: how its
 * people are notified (digest hours, daily cap, escalation to the admins)
 * and its own webhooks, each with a "send a test" button that calls it at
 * once and shows what it answered. The same functions as
 * `leakwatch org settings` and `leakwatch webhook`.
 *
 * | path | what |
 * | --- | --- |
 * | `GET /orgs/:id/settings` | the settings and webhooks |
 * | `POST /orgs/:id/settings` | change the notification settings |
 * | `POST /orgs/:id/webhooks` | add a webhook; the page shows its signing key this once |
 * | `POST /orgs/:id/webhooks/:webhookId/test` | call it now with a sample alert |
 * | `POST /orgs/:id/webhooks/:webhookId/key` | a new signing key (the old one stops working) |
 * | `POST /orgs/:id/webhooks/:webhookId/remove` | remove it |
 */
import type { Context, Hono } from 'hono';
import { InputError, NotFoundError } from '../errors.js';
import { redactUrl, redactUrlsIn } from '../net/redact.js';
import { testWebhookBody } from '../notify/compose.js';
import { postWebhook } from '../notify/webhook.js';
import { type NotifyDefaults, organisationSettings, SETTING_BOUNDS, type SettingsChange, updateOrganisationSettings } from '../registry/org-settings.js';
import type { Organisation } from '../registry/organisations.js';
import { addWebhook, getWebhook, listWebhooks, rekeyWebhook, removeWebhook, signingKeyOf } from '../registry/webhooks.js';
import type { DashboardDeps, DashboardEnv } from './dashboard-deps.js';
import { actorOf, administeredOrganisation, dashboardPage, idParam, notFound, type SignedIn } from './dashboard-page.js';
import { orgNav, postForm } from './dashboard-organisations.js';
import { escapeHtml, paragraph, table } from './layout.js';
import { FixedWindowLimiter } from './rate-limit.js';
import { field, formOf } from './sign-in.js';

/** The embedded defaults, when the app is made without the configuration's. */
const EMBEDDED_DEFAULTS: NotifyDefaults = { digestHours: 6, dailyCap: 20, escalateAfterMinutes: 60 };

/** A number field: empty means the default. */
function numberField(name: keyof typeof SETTING_BOUNDS, label: string, value: number | null, fallback: number, hint: string): string {
  const { min, max } = SETTING_BOUNDS[name];
  return `<label for="${name}">${escapeHtml(label)}</label>
<input type="number" id="${name}" name="${name}" min="${min}" max="${max}" step="1" inputmode="numeric" value="${value ?? ''}" placeholder="${fallback}" aria-describedby="${name}-hint">
<p class="muted" id="${name}-hint">${escapeHtml(`${hint} Empty: this installation's default, ${fallback}.`)}</p>`;
}

/** A number from the form, null for empty (the default); an {@link InputError} naming the field otherwise. */
function numberOf(form: Record<string, string | File>, name: keyof typeof SETTING_BOUNDS): number | null {
  const raw = field(form, name);
  if (raw === '') return null;
  if (!/^\d{1,7}$/.test(raw)) throw new InputError(`${SETTING_BOUNDS[name].label}: ${JSON.stringify(raw.slice(0, 20))} is not a whole number`);
  return Number(raw);
}

export function settingsRoutes(app: Hono<DashboardEnv>, deps: DashboardDeps, signedIn: SignedIn): void {
  const { db } = deps;
  const defaults = deps.notify ?? EMBEDDED_DEFAULTS;
  const tests = new FixedWindowLimiter(deps.settings.rateLimits.webhookTestsPerOrganisation);
  const guard = deps.urlGuard ?? { allowPrivateHosts: false };

  const administered = (c: Context<DashboardEnv>) => administeredOrganisation(c, deps);

  function settingsPage(c: Context<DashboardEnv>, org: Organisation, message = '', status: 200 | 400 | 409 | 429 = 200): Response {
    const own = organisationSettings(db, org.id);
    const settingsForm = postForm(
      c,
      `/orgs/${org.id}/settings`,
      `${numberField('digestHours', 'Digest every (hours)', own.digestHours, defaults.digestHours, 'Posts of a leak someone was already alerted to are gathered into one email at most this often.')}
${numberField('dailyCap', 'Messages per person per day', own.dailyCap, defaults.dailyCap, 'More wait for the next day (they are never dropped); critical alerts always go at once.')}
<p class="check"><input type="checkbox" id="escalation" name="escalation" value="on"${own.escalation ? ' checked' : ''}> <label for="escalation" class="choice">Escalate urgent leaks to the admins when the organiser has not acknowledged them</label></p>
${numberField('escalateAfterMinutes', 'Escalate after (minutes)', own.escalateAfterMinutes, defaults.escalateAfterMinutes, 'How long a high or critical leak may go unacknowledged before the admins hear of it.')}
<p><button type="submit">Save settings</button></p>`,
      '',
    );
    const changed = own.updatedAt ? paragraph(`Last changed ${own.updatedAt.slice(0, 16).replace('T', ' ')} UTC by ${own.updatedBy}.`, 'muted') : '';
    const webhooks = listWebhooks(db, org.id);
    const rows = webhooks.map((w) => {
      const base = `/orgs/${org.id}/webhooks/${w.id}`;
      return [
        // The path of a webhook is often its secret (Slack's are): only its host is shown.
        `<code>${escapeHtml(redactUrl(w.url))}</code>`,
        escapeHtml(w.createdAt.slice(0, 10)),
        `<div class="actions">${postForm(c, `${base}/test`, '<button type="submit" class="secondary">Send a test</button>')}${postForm(c, `${base}/key`, '<button type="submit" class="link">New signing key</button>')}${postForm(c, `${base}/remove`, '<button type="submit" class="link">Remove</button>')}</div>`,
      ];
    });
    const canAdd = Boolean(deps.webhooks?.secret);
    const addForm = canAdd
      ? postForm(c, `/orgs/${org.id}/webhooks`, `<label for="url">Webhook URL (https)</label><input type="url" id="url" name="url" required maxlength="2000" placeholder="https://hooks.slack.com/services/…"><p><button type="submit">Add webhook</button></p>`, '')
      : paragraph('Webhooks cannot be added on this installation: its operator has not set LEAKWATCH_WEBHOOK_SECRET, and webhooks are only sent signed.', 'muted');
    return dashboardPage(
      c,
      `Settings of ${org.name}`,
      `${orgNav(org)}${message}<h2>Notifications</h2>${settingsForm}${changed}
<h2>Webhooks</h2>${paragraph('Every alert of this organisation is also POSTed as JSON with a Slack-compatible "text" field, signed: X-Leakwatch-Signature is sha256= and the hex HMAC-SHA256 of "<X-Leakwatch-Timestamp>.<body>" with the webhook\'s signing key.', 'muted')}
${rows.length ? table(['Webhook', 'Added', { hidden: 'Change' }], rows) : paragraph('No webhooks yet.')}${addForm}`,
      status,
    );
  }

  const failure = (c: Context<DashboardEnv>, org: Organisation, error: unknown, status: 400 | 409 = 400) => {
    if (error instanceof NotFoundError) return notFound(c);
    if (!(error instanceof InputError)) throw error;
    return settingsPage(c, org, `<p class="error" role="alert">${escapeHtml(error.message)}</p>`, status);
  };

  /** The key, shown once, with how to use it. */
  const keyNotice = (url: string, key: string) =>
    `<div class="notice" role="status"><p>${escapeHtml(`The signing key of ${redactUrl(url)}. Copy it into the receiver now: it is not shown again.`)}</p><p><code class="token">${escapeHtml(key)}</code></p></div>`;

  app.get('/orgs/:id/settings', signedIn, function settingsView(c) {
    const org = administered(c);
    return org instanceof Response ? org : settingsPage(c, org);
  });

  app.post('/orgs/:id/settings', signedIn, async function saveSettings(c) {
    const org = administered(c);
    if (org instanceof Response) return org;
    const form = (await formOf(c))!;
    try {
      const change: SettingsChange = {
        digestHours: numberOf(form, 'digestHours'),
        dailyCap: numberOf(form, 'dailyCap'),
        escalateAfterMinutes: numberOf(form, 'escalateAfterMinutes'),
        escalation: field(form, 'escalation') === 'on',
      };
      updateOrganisationSettings(db, org.id, change, actorOf(c), deps.clock());
      return settingsPage(c, org, '<p class="notice" role="status">Settings saved.</p>');
    } catch (error) {
      return failure(c, org, error);
    }
  });

  app.post('/orgs/:id/webhooks', signedIn, async function addWebhookAction(c) {
    const org = administered(c);
    if (org instanceof Response) return org;
    const form = (await formOf(c))!;
    try {
      const { webhook, key } = addWebhook(db, { orgId: org.id, url: field(form, 'url') }, guard, deps.webhooks?.secret, actorOf(c), deps.clock());
      c.header('cache-control', 'no-store');
      return settingsPage(c, org, keyNotice(webhook.url, key));
    } catch (error) {
      return failure(c, org, error);
    }
  });

  /** The organisation and the webhook of the path, or the answer to give. */
  function webhookOf(c: Context<DashboardEnv>): { org: Organisation; id: number } | Response {
    const org = administered(c);
    if (org instanceof Response) return org;
    const id = idParam(c, 'webhookId');
    if (id === null) return notFound(c);
    try {
      getWebhook(db, org.id, id);
    } catch {
      return notFound(c);
    }
    return { org, id };
  }

  app.post('/orgs/:id/webhooks/:webhookId/test', signedIn, async function testWebhook(c) {
    const found = webhookOf(c);
    if (found instanceof Response) return found;
    const { org, id } = found;
    const now = deps.clock();
    const limited = tests.take(String(org.id), now);
    if (!limited.ok) {
      c.header('retry-after', String(limited.retryAfterSecs));
      return settingsPage(c, org, '<p class="error" role="alert">Many test calls were sent recently; try again in a few minutes.</p>', 429);
    }
    const webhook = getWebhook(db, org.id, id);
    const settings = deps.webhooks;
    const key = settings?.secret ? signingKeyOf(db, id, settings.secret) : null;
    if (!settings || key === null) return failure(c, org, new InputError('no test was sent: LEAKWATCH_WEBHOOK_SECRET is not set on this installation'), 409);
    try {
      const status = await postWebhook(webhook.url, testWebhookBody(now), {
        secret: key,
        timeoutMs: Math.min(settings.timeoutMs, 10_000),
        allowPrivateHosts: guard.allowPrivateHosts,
        allowHosts: guard.allowHosts,
        dnsServers: guard.dnsServers,
        userAgent: settings.userAgent,
        delivery: `test-${org.id}-${id}-${now.getTime()}`,
        now,
      });
      deps.log.info({ org: org.id, webhook: id, status }, 'webhook test sent');
      return settingsPage(c, org, `<p class="notice" role="status">${escapeHtml(`Test sent to ${redactUrl(webhook.url)}: it answered HTTP ${status}.`)}</p>`);
    } catch (error) {
      // Whatever the error says of the URL, only its host is shown.
      const reason = redactUrlsIn((error as Error).message, [webhook.url]);
      return settingsPage(c, org, `<p class="error" role="alert">${escapeHtml(`The test to ${redactUrl(webhook.url)} failed: ${reason}.`)}</p>`, 409);
    }
  });

  app.post('/orgs/:id/webhooks/:webhookId/key', signedIn, function newKey(c) {
    const found = webhookOf(c);
    if (found instanceof Response) return found;
    try {
      const { webhook, key } = rekeyWebhook(db, { orgId: found.org.id, id: found.id }, deps.webhooks?.secret, actorOf(c), deps.clock());
      c.header('cache-control', 'no-store');
      return settingsPage(c, found.org, keyNotice(webhook.url, key));
    } catch (error) {
      return failure(c, found.org, error, 409);
    }
  });

  app.post('/orgs/:id/webhooks/:webhookId/remove', signedIn, function removeAction(c) {
    const found = webhookOf(c);
    if (found instanceof Response) return found;
    removeWebhook(db, { orgId: found.org.id, id: found.id }, actorOf(c), deps.clock());
    return c.redirect(`/orgs/${found.org.id}/settings`, 303);
  });
}
