/**
 * Whether leakwatch may write to an organiser: their address is on an email
 * domain the organisation has verified. Alerts for anyone else wait until it
 * is (the matcher), and imports say so up front.
 */

import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import { emailDomain } from './email-address.js';
import { getOrganisation } from './organisations.js';

/** Whether `email` is on a verified email domain of the organisation. */
export function onVerifiedDomain(db: Db, orgId: number, email: string): boolean {
  return (
    statement(db, "SELECT 1 FROM identifiers WHERE org_id = ? AND kind = 'email-domain' AND value = ? AND status = 'verified'")
      .pluck()
      .get(orgId, emailDomain(email)) === 1
  );
}

/**
 * One line per domain of `owners` (normalised addresses) the organisation has not verified, most
 * organisers first: "3 organisers are on example.org, which Westfield has
 * not verified: their alerts wait until it is".
 */
export function unverifiedOwnerWarnings(db: Db, orgId: number, owners: Iterable<string>): string[] {
  const byDomain = new Map<string, Set<string>>();
  for (const email of owners) {
    if (onVerifiedDomain(db, orgId, email)) continue;
    const domain = emailDomain(email);
    let set = byDomain.get(domain);
    if (set === undefined) byDomain.set(domain, (set = new Set()));
    set.add(email);
  }
  if (byDomain.size === 0) return [];
  const name = getOrganisation(db, orgId).name;
  return [...byDomain]
    .sort(([a, x], [b, y]) => y.size - x.size || a.localeCompare(b))
    .map(([domain, emails]) => `${emails.size === 1 ? '1 organiser is' : `${emails.size} organisers are`} on ${domain}, which ${name} has not verified: their alerts wait until it is`);
}
