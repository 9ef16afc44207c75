import { enqueue } from '../notify/outbox.js';
import { emailDomain } from '../registry/email-address.js';
import { verifiedAdmins } from '../registry/identifiers.js';
import type { Db } from '../store/database.js';
import type { MatchKind } from './severity.js';
import { statement } from '../store/statements.js';

export interface AlertableLeak {
  id: number;
  orgId: number;
  matchKind: MatchKind;
  status: string;
  generation: number;
  ownerEmail: string | null;
  /** Ended and not recurring, or allow-listed: nobody needs an email. */
  quiet: boolean;
}

/**
 * Queues the first alert of a leak (generation) to each recipient it is owed
 * to: the organiser for a registered meeting, the admins for an identifier
 * match. Only addresses on a verified email domain of the organisation are
 * ever written to; the others wait until the domain is verified. Name matches
 * are for admins to review in the leak list, never emailed.
 */
export function queueAlerts(db: Db, leak: AlertableLeak, now: Date): number {
  if (leak.quiet || leak.matchKind === 'name' || !['open', 'notified'].includes(leak.status)) return 0;
  let recipients: string[];
  if (leak.matchKind === 'meeting' && leak.ownerEmail) {
    const verified = statement(db, "SELECT 1 FROM identifiers WHERE org_id = ? AND kind = 'email-domain' AND value = ? AND status = 'verified'")
      .pluck()
      .get(leak.orgId, emailDomain(leak.ownerEmail));
    recipients = verified ? [leak.ownerEmail] : [];
  } else {
    recipients = verifiedAdmins(db, leak.orgId);
  }
  let queued = 0;
  for (const recipient of recipients) {
    const added = enqueue(
      db,
      {
        dedupeKey: `alert:${leak.id}:${leak.generation}:${recipient}`,
        channel: 'email',
        recipient,
        kind: 'alert',
        leakId: leak.id,
        payload: { leakId: leak.id, orgId: leak.orgId, generation: leak.generation },
      },
      now,
    );
    if (added) queued++;
  }
  return queued;
}
