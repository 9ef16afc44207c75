/**
 * "Rotate it for me": a leaked meeting imported from a connection whose
 * admin opted in to the write scope is changed on the platform (Zoom: a new
 * passcode, so a new join link, and the waiting room on), the new passcode
 * is hashed at once like any (the meeting's leaks then say the posted one
 * no longer works), the leak is resolved with an audit event, and the
 * organiser is told the old link is dead and where the new invitation is —
 * never the new passcode or link itself.
 */
import { InputError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Registration } from '../match/registration.js';
import { changeLeakStatus } from '../match/lifecycle.js';
import { enqueue } from '../notify/outbox.js';
import { onVerifiedDomain } from '../registry/verified-domains.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import { connectionCredential, getConnection } from './connections.js';
import { providerFor } from './providers.js';
import type { ConnectionSessions } from './sync.js';

/** A leak's meeting as rotation needs it. */
interface RotatableRow {
  leak_id: number;
  org_id: number;
  status: string;
  meeting_ref: number;
  title: string | null;
  platform: string;
  meeting_id: string;
  owner_email: string;
  origin_uid: string;
  connection_id: number;
}

const ROTATABLE_SQL = `SELECT l.id AS leak_id, l.org_id, l.status, l.meeting_ref, m.title, m.platform, m.meeting_id, m.owner_email, m.origin_uid, m.connection_id
  FROM leaks l JOIN meetings m ON m.id = l.meeting_ref AND m.org_id = l.org_id
  JOIN connections c ON c.id = m.connection_id AND c.org_id = l.org_id
  WHERE l.id = ? AND l.org_id = ? AND m.origin_uid IS NOT NULL AND c.write_opt_in = 1 AND c.status <> 'revoked'`;

/**
 * Whether a leak's meeting can be rotated from the alert: imported from a
 * connection whose provider rotates, with the write scope opted in and the
 * credential not refused. The alert shows the fourth button only then.
 */
export function canRotate(db: Db, orgId: number, leakId: number): boolean {
  const row = statement(db, ROTATABLE_SQL).get(leakId, orgId) as RotatableRow | undefined;
  if (!row) return false;
  const provider = providerFor(getConnection(db, row.connection_id).provider);
  return provider.rotates === true;
}

export interface RotationDeps {
  /** `LEAKWATCH_SECRET_KEY`; null when not set (nothing can be rotated then). */
  key: Buffer | null;
  registration: Registration;
  sessions: ConnectionSessions;
  log: Logger;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface RotationResult {
  leakId: number;
  meetingId: string;
  platform: string;
  changes: string[];
  whereNew: string;
  /** Whether the organiser's email was queued (an address on a proven domain). */
  organiserTold: boolean;
}

/**
 * Rotates the meeting of one leak of one organisation. An {@link InputError}
 * when it cannot be (not connected, no write scope, the leak closed); what
 * the platform refuses comes as the provider's error, nothing changed here.
 */
export async function rotateLeak(db: Db, input: { orgId: number; leakId: number; actor: string }, deps: RotationDeps): Promise<RotationResult> {
  const now = deps.now ?? (() => new Date());
  const row = statement(db, ROTATABLE_SQL).get(input.leakId, input.orgId) as RotatableRow | undefined;
  if (!row) {
    if (statement(db, 'SELECT 1 FROM leaks WHERE id = ? AND org_id = ?').pluck().get(input.leakId, input.orgId) !== 1) throw new NotFoundError(`organisation ${input.orgId} has no leak ${input.leakId}`);
    throw new InputError("this meeting cannot be rotated by leakwatch: it was not imported from a platform connection whose admin allowed rotation (`leakwatch connect … --allow-rotation`); rotate it in the platform's own settings");
  }
  if (!['open', 'notified', 'acknowledged'].includes(row.status)) throw new InputError(`the leak is ${row.status} already; nothing was rotated`);
  const connection = getConnection(db, row.connection_id);
  const provider = providerFor(connection.provider);
  if (deps.key === null) throw new InputError('LEAKWATCH_SECRET_KEY is not set, so the connection cannot be used; nothing was rotated');
  const session = deps.sessions.for(connection.id, provider, connectionCredential(db, connection.id, deps.key));
  if (!session.rotate) throw new InputError(`${provider.label} does not let leakwatch rotate a meeting; rotate it in ${provider.label} itself`);
  const rotated = await session.rotate(row.origin_uid, deps.signal);
  const at = now();
  let organiserTold = false;
  db.transaction(() => {
    // The new passcode is known here only: hashed at once, and the meeting's leaks compared with it. A platform
    // that changed no passcode (Teams' lobby, Meet's new conference) leaves the registered one as it is.
    if (rotated.passcode !== null) deps.registration.updateMeeting(input.orgId, row.meeting_ref, { passcode: rotated.passcode }, input.actor, at);
    changeLeakStatus(db, { orgId: input.orgId, leakId: row.leak_id, to: 'resolved', actor: input.actor, reason: `rotated through ${provider.label}: ${rotated.changes.join(', ')}` }, at);
    audit(db, {
      actor: input.actor,
      orgId: input.orgId,
      action: 'meeting.rotated',
      subject: `${row.platform} ${row.meeting_id}`,
      detail: { leak: row.leak_id, connection: connection.id, changes: rotated.changes },
      at,
    });
    if (onVerifiedDomain(db, input.orgId, row.owner_email)) {
      organiserTold = enqueue(
        db,
        {
          dedupeKey: `rotated:${row.leak_id}:${at.toISOString()}`,
          channel: 'email',
          recipient: row.owner_email,
          kind: 'rotated',
          leakId: row.leak_id,
          orgId: input.orgId,
          payload: { platform: row.platform, meetingId: row.meeting_id, title: row.title, changes: rotated.changes, whereNew: rotated.whereNew, by: input.actor, ...(rotated.oldLink ? { oldLink: rotated.oldLink } : {}) },
        },
        at,
      );
    }
  })();
  deps.log.info({ leak: row.leak_id, connection: connection.id, by: input.actor }, 'meeting rotated through its connection');
  return { leakId: row.leak_id, meetingId: row.meeting_id, platform: row.platform, changes: rotated.changes, whereNew: rotated.whereNew, organiserTold };
}
