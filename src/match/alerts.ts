/**
 * Who is owed which message about a leak, queued in the matcher's
 * transaction (DESIGN.md §5):
 * - the first alert of each leak (generation) to the organiser of a matched
 *   meeting, or to the organisation's admins for an identifier match;
 * - later sightings of an alerted leak, gathered into one digest per
 *   recipient and time slot;
 * - an escalation to the admins of an urgent (high or critical) meeting
 *   leak, due when it has gone unacknowledged for the configured time (the
 *   worker cancels it if the leak was acknowledged meanwhile);
 * - one webhook call per endpoint: the installation's (`notify.webhooks`)
 *   and the organisation's own (`org_webhooks`, signed with its own key).
 * Digest hours and escalation follow the organisation's settings where its
 * admins set them (`src/registry/org-settings.ts`), the policy's otherwise.
 * Only addresses on a verified email domain of the organisation are ever
 * written to; the others wait until the domain is verified. Name matches are
 * for admins to review in the leak list, never sent.
 */
import { enqueue } from '../notify/outbox.js';
import { verifiedAdmins } from '../registry/identifiers.js';
import { effectiveSettings } from '../registry/org-settings.js';
import { onVerifiedDomain } from '../registry/verified-domains.js';
import type { Db } from '../store/database.js';
import type { MatchKind, Severity } from './severity.js';
import { statement } from '../store/statements.js';

export interface AlertableLeak {
  id: number;
  orgId: number;
  matchKind: MatchKind;
  status: string;
  generation: number;
  severity: Severity;
  ownerEmail: string | null;
  /** Ended and not recurring, or allow-listed: nobody needs a message. */
  quiet: boolean;
  /** A sighting was just added to a leak that existed already. */
  newSighting: boolean;
}

export interface WebhookTarget {
  url: string;
  /** Only these organisations' alerts; absent, every organisation's. */
  orgs?: readonly number[] | undefined;
}

/** The notifier settings queuing needs (`notify.*` in the configuration): the defaults an organisation's own settings override. */
export interface AlertPolicy {
  digestHours: number;
  escalateAfterMinutes: number;
  /** Not used to queue (the worker applies it); here so the policy is the whole of the defaults. */
  dailyCap: number;
  webhooks: readonly WebhookTarget[];
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = { digestHours: 6, escalateAfterMinutes: 60, dailyCap: 20, webhooks: [] };

const URGENT: ReadonlySet<Severity> = new Set(['high', 'critical']);

/** The digest slot `now` falls in: slots are `digestHours` long, so two digests to one person are at least that far apart. */
function digestSlot(now: Date, digestHours: number): { index: number; end: Date } {
  const length = digestHours * 3_600_000;
  const index = Math.floor(now.getTime() / length);
  return { index, end: new Date((index + 1) * length) };
}

/**
 * Queues what `leak` is owed now; returns how many first alerts (emails and
 * webhook calls) were queued. Idempotent: dedupe keys make a second call a no-op.
 */
export function queueAlerts(db: Db, leak: AlertableLeak, now: Date, policy: AlertPolicy = DEFAULT_ALERT_POLICY): number {
  if (leak.quiet || leak.matchKind === 'name') return 0;
  // An acknowledged leak is being handled: no new alerts, but whoever was alerted hears of new posts in the digest.
  const acknowledged = leak.status === 'acknowledged';
  if (!acknowledged && !['open', 'notified'].includes(leak.status)) return 0;
  const settings = effectiveSettings(db, leak.orgId, policy);
  let recipients: string[];
  if (leak.matchKind === 'meeting' && leak.ownerEmail) {
    recipients = onVerifiedDomain(db, leak.orgId, leak.ownerEmail) ? [leak.ownerEmail] : [];
  } else {
    recipients = verifiedAdmins(db, leak.orgId);
  }
  let queued = 0;
  if (acknowledged) {
    if (!leak.newSighting) return 0;
    const alerted = statement(db, 'SELECT 1 FROM outbox WHERE dedupe_key = ?').pluck();
    for (const recipient of recipients) {
      if (alerted.get(`alert:${leak.id}:${leak.generation}:${recipient}`) === 1) queueDigest(db, leak.orgId, recipient, now, settings.digestHours);
    }
    return 0;
  }
  for (const recipient of recipients) {
    const added = enqueue(
      db,
      {
        dedupeKey: `alert:${leak.id}:${leak.generation}:${recipient}`,
        channel: 'email',
        recipient,
        kind: 'alert',
        leakId: leak.id,
        orgId: leak.orgId,
        payload: { generation: leak.generation },
      },
      now,
    );
    if (added) queued++;
    else if (leak.newSighting) queueDigest(db, leak.orgId, recipient, now, settings.digestHours);
  }

  if (settings.escalation && leak.matchKind === 'meeting' && URGENT.has(leak.severity) && recipients.length > 0) {
    const notBefore = new Date(now.getTime() + settings.escalateAfterMinutes * 60_000);
    for (const admin of verifiedAdmins(db, leak.orgId)) {
      if (recipients.includes(admin)) continue;
      enqueue(
        db,
        {
          dedupeKey: `escalation:${leak.id}:${leak.generation}:${admin}`,
          channel: 'email',
          recipient: admin,
          kind: 'escalation',
          leakId: leak.id,
          orgId: leak.orgId,
          payload: { generation: leak.generation, queuedAt: now.toISOString() },
          notBefore,
        },
        now,
      );
    }
  }

  for (const webhook of policy.webhooks) {
    if (webhook.orgs !== undefined && !webhook.orgs.includes(leak.orgId)) continue;
    const added = enqueue(
      db,
      {
        dedupeKey: `webhook:${leak.id}:${leak.generation}:${webhook.url}`,
        channel: 'webhook',
        recipient: webhook.url,
        kind: 'alert',
        leakId: leak.id,
        orgId: leak.orgId,
        payload: { generation: leak.generation },
      },
      now,
    );
    if (added) queued++;
  }
  const own = statement(db, 'SELECT id, url FROM org_webhooks WHERE org_id = ? ORDER BY id').all(leak.orgId) as { id: number; url: string }[];
  for (const webhook of own) {
    const added = enqueue(
      db,
      {
        dedupeKey: `webhook:${leak.id}:${leak.generation}:org-webhook:${webhook.id}`,
        channel: 'webhook',
        recipient: webhook.url,
        kind: 'alert',
        leakId: leak.id,
        orgId: leak.orgId,
        payload: { generation: leak.generation, webhookId: webhook.id },
      },
      now,
    );
    if (added) queued++;
  }
  return queued;
}

/** One digest per organisation, recipient and slot; sent when the slot ends. */
function queueDigest(db: Db, orgId: number, recipient: string, now: Date, digestHours: number): void {
  const slot = digestSlot(now, digestHours);
  enqueue(
    db,
    {
      dedupeKey: `digest:${orgId}:${recipient}:${slot.index}`,
      channel: 'email',
      recipient,
      kind: 'digest',
      orgId,
      payload: { slotEnd: slot.end.toISOString() },
      notBefore: slot.end,
    },
    now,
  );
}
