/**
 * Adding a person to an organisation from the dashboard: the role is
 * granted at once and an invitation is emailed through the outbox, saying
 * who added them and where to sign in (never a sign-in link: they ask for
 * their own). Like every message to a person, it goes only to an address on
 * an email domain the organisation has proven, so leakwatch cannot be made
 * to write to strangers; otherwise the caller is told why none was sent.
 */
import { enqueue } from '../notify/outbox.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import { emailDomain, normaliseEmail } from './email-address.js';
import { onVerifiedDomain } from './verified-domains.js';
import { addAdmin, addOrganiser, type Organisation } from './organisations.js';

export interface Invited {
  organisation: Organisation;
  email: string;
  /** Whether an invitation was queued (one per person, role and day). */
  invited: boolean;
  /** Why none was, when none was. */
  reason: string | null;
}

export function invitePerson(db: Db, input: { orgId: number; email: string; role: 'admin' | 'organiser' }, publicUrl: string, actor: string, now: Date = new Date()): Invited {
  const email = normaliseEmail(input.email, `${input.role} email address`);
  return db.transaction(() => {
    const already = statement(db, 'SELECT 1 FROM contacts WHERE org_id = ? AND email = ? AND role = ?').pluck().get(input.orgId, email, input.role) === 1;
    const organisation = (input.role === 'admin' ? addAdmin : addOrganiser)(db, input.orgId, email, actor);
    if (already) return { organisation, email, invited: false, reason: `${email} is an ${input.role} already` };
    const domain = emailDomain(email);
    if (!onVerifiedDomain(db, input.orgId, email)) return { organisation, email, invited: false, reason: `${domain} is not a proven email domain of ${organisation.name}, and leakwatch writes only to those` };
    const signInUrl = new URL('sign-in', publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).href;
    const invited = enqueue(
      db,
      {
        dedupeKey: `invitation:${input.orgId}:${email}:${input.role}:${now.toISOString().slice(0, 10)}`,
        channel: 'email',
        recipient: email,
        kind: 'invitation',
        orgId: input.orgId,
        payload: { organisation: organisation.name, role: input.role, invitedBy: actor, signInUrl },
      },
      now,
    );
    return { organisation, email, invited, reason: invited ? null : `${email} was invited today already` };
  })();
}
