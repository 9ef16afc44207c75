import type { Db } from './database.js';
import { statement } from './statements.js';

export interface AuditEntry {
  actor: string;
  action: string;
  orgId?: number | null;
  subject?: string | null;
  detail?: unknown;
  at?: Date;
}

/** Appends to the audit log: operator actions outside leaks (registrations, verifications, vouching, imports). */
export function audit(db: Db, entry: AuditEntry): void {
  statement(db, 'INSERT INTO audit_log (at, actor, org_id, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)').run(
    (entry.at ?? new Date()).toISOString(),
    entry.actor,
    entry.orgId ?? null,
    entry.action,
    entry.subject ?? null,
    entry.detail === undefined ? null : JSON.stringify(entry.detail),
  );
}
