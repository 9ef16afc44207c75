import { InputError, NotFoundError } from '../errors.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { normaliseEmail } from './email-address.js';

export interface Organisation {
  id: number;
  name: string;
  createdAt: string;
  admins: string[];
}

interface OrganisationRow {
  id: number;
  name: string;
  created_at: string;
}

/** Registers an organisation with at least one admin contact. */
export function createOrganisation(db: Db, input: { name: string; admins: string[] }, actor: string): Organisation {
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (name.length < 2) throw new InputError(`organisation name "${input.name}" is too short`);
  if (input.admins.length === 0) throw new InputError('an organisation needs at least one admin (--admin EMAIL)');
  const admins = [...new Set(input.admins.map((a) => normaliseEmail(a, 'admin email address')))];

  return db.transaction(() => {
    const existing = db.prepare('SELECT id FROM organisations WHERE name = ? COLLATE NOCASE').pluck().get(name) as number | undefined;
    if (existing !== undefined) throw new InputError(`an organisation named "${name}" already exists (id ${existing})`);
    const id = db.prepare('INSERT INTO organisations (name) VALUES (?) RETURNING id').pluck().get(name) as number;
    const addContact = db.prepare("INSERT INTO contacts (org_id, email, role) VALUES (?, ?, 'admin')");
    for (const admin of admins) addContact.run(id, admin);
    audit(db, { actor, orgId: id, action: 'organisation.created', subject: name, detail: { admins } });
    return getOrganisation(db, id);
  })();
}

/** The organisation with this id; an {@link InputError} when there is none. */
export function getOrganisation(db: Db, id: number): Organisation {
  const row = db.prepare('SELECT id, name, created_at FROM organisations WHERE id = ?').get(id) as OrganisationRow | undefined;
  if (!row) throw new NotFoundError(`no organisation with id ${id}`);
  return toOrganisation(db, row);
}

export function listOrganisations(db: Db): Organisation[] {
  const rows = db.prepare('SELECT id, name, created_at FROM organisations ORDER BY id').all() as OrganisationRow[];
  return rows.map((row) => toOrganisation(db, row));
}

/** Adds an admin contact to an organisation (idempotent). */
export function addAdmin(db: Db, orgId: number, email: string, actor: string): Organisation {
  return addContact(db, orgId, email, 'admin', actor);
}

/** Adds an organiser contact (someone who runs meetings and may see the organisation on the dashboard); idempotent. */
export function addOrganiser(db: Db, orgId: number, email: string, actor: string): Organisation {
  return addContact(db, orgId, email, 'organiser', actor);
}

/**
 * Takes a role in an organisation from an address. The last admin stays:
 * an organisation nobody administers could not be managed or alerted.
 */
export function removeMember(db: Db, orgId: number, email: string, role: 'admin' | 'organiser', actor: string): Organisation {
  getOrganisation(db, orgId);
  const address = normaliseEmail(email, `${role} email address`);
  return db.transaction(() => {
    if (role === 'admin') {
      const admins = db.prepare("SELECT email FROM contacts WHERE org_id = ? AND role = 'admin'").pluck().all(orgId) as string[];
      if (admins.length === 1 && admins[0] === address) throw new InputError(`${address} is the only admin of organisation ${orgId}; add another admin first`);
    }
    const { changes } = db.prepare('DELETE FROM contacts WHERE org_id = ? AND email = ? AND role = ?').run(orgId, address, role);
    if (changes === 0) throw new InputError(`${address} is not an ${role} of organisation ${orgId}`);
    audit(db, { actor, orgId, action: `organisation.${role}-removed`, subject: address });
    return getOrganisation(db, orgId);
  })();
}

function addContact(db: Db, orgId: number, email: string, role: 'admin' | 'organiser', actor: string): Organisation {
  getOrganisation(db, orgId);
  const address = normaliseEmail(email, `${role} email address`);
  db.prepare('INSERT OR IGNORE INTO contacts (org_id, email, role) VALUES (?, ?, ?)').run(orgId, address, role);
  audit(db, { actor, orgId, action: `organisation.${role}-added`, subject: address });
  return getOrganisation(db, orgId);
}

function toOrganisation(db: Db, row: OrganisationRow): Organisation {
  const admins = db.prepare("SELECT email FROM contacts WHERE org_id = ? AND role = 'admin' ORDER BY email").pluck().all(row.id) as string[];
  return { id: row.id, name: row.name, createdAt: row.created_at, admins };
}
