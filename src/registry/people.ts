/**
 * People who sign in to the dashboard, and what each may see.
 *
 * A person is an email address (proven by the sign-in link mailed to it).
 * Their organisations and roles are the organisations' contacts with that
 * address — an `admin` or an `organiser` — so the operator's `org add
 * --admin` and a school's own "create an organisation" give the same access.
 * An installation `operator` sees every organisation.
 */
import { InputError } from '../errors.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import { normaliseEmail } from './email-address.js';

export interface Person {
  id: number;
  email: string;
  operator: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

interface PersonRow {
  id: number;
  email: string;
  operator: number;
  created_at: string;
  last_sign_in_at: string | null;
}

function toPerson(row: PersonRow): Person {
  return { id: row.id, email: row.email, operator: row.operator === 1, createdAt: row.created_at, lastSignInAt: row.last_sign_in_at };
}

/** The person with this address, created when there is none yet. */
export function ensurePerson(db: Db, email: string, now: Date = new Date()): Person {
  const address = normaliseEmail(email);
  statement(db, 'INSERT INTO people (email, created_at) VALUES (?, ?) ON CONFLICT (email) DO NOTHING').run(address, now.toISOString());
  return toPerson(statement(db, 'SELECT * FROM people WHERE email = ?').get(address) as PersonRow);
}

export function getPerson(db: Db, id: number): Person | null {
  const row = statement(db, 'SELECT * FROM people WHERE id = ?').get(id) as PersonRow | undefined;
  return row === undefined ? null : toPerson(row);
}

/** Makes `email` an operator of this installation (idempotent); the person is created if new. */
export function addOperator(db: Db, email: string, actor: string, now: Date = new Date()): Person {
  return db.transaction(() => {
    const person = ensurePerson(db, email, now);
    if (!person.operator) {
      statement(db, 'UPDATE people SET operator = 1 WHERE id = ?').run(person.id);
      audit(db, { actor, action: 'operator.added', subject: person.email, at: now });
    }
    return { ...person, operator: true };
  })();
}

/** Takes the operator role from `email`; an {@link InputError} when it has none. Their other roles stay. */
export function removeOperator(db: Db, email: string, actor: string, now: Date = new Date()): Person {
  const address = normaliseEmail(email);
  return db.transaction(() => {
    const row = statement(db, 'SELECT * FROM people WHERE email = ?').get(address) as PersonRow | undefined;
    if (row === undefined || row.operator !== 1) throw new InputError(`${address} is not an operator (\`leakwatch operator list\` shows who is)`);
    statement(db, 'UPDATE people SET operator = 0 WHERE id = ?').run(row.id);
    audit(db, { actor, action: 'operator.removed', subject: address, at: now });
    return toPerson({ ...row, operator: 0 });
  })();
}

export function listOperators(db: Db): Person[] {
  return (statement(db, 'SELECT * FROM people WHERE operator = 1 ORDER BY email').all() as PersonRow[]).map(toPerson);
}

/** A role in one organisation, from its contacts. */
export type OrganisationRole = 'admin' | 'organiser';
/** What a person is in an organisation they may see: `operator` when only the installation role lets them. */
export type Role = OrganisationRole | 'operator';

export interface VisibleOrganisation {
  id: number;
  name: string;
  role: Role;
}

/**
 * What one person may see. Built per request from the database, so a role
 * given or taken applies at the next request.
 */
export class Access {
  readonly person: Person;
  readonly #roles: ReadonlyMap<number, OrganisationRole>;

  constructor(person: Person, roles: ReadonlyMap<number, OrganisationRole>) {
    this.person = person;
    this.#roles = roles;
  }

  /** The person's role in the organisation, or null when it is not theirs to see (it may not exist). */
  roleIn(orgId: number): Role | null {
    return this.#roles.get(orgId) ?? (this.person.operator ? 'operator' : null);
  }

  /**
   * Whether the person may see a leak: every leak of an organisation they
   * administer (or, as operator, of any); as organiser, the leaks of their
   * own meetings only.
   */
  /**
   * The same rule as {@link seesLeak}, for a query: the owner whose meetings'
   * leaks are all the person sees of the organisation (an organiser's own
   * address), or undefined when they see all of its leaks.
   */
  leakOwner(orgId: number): string | undefined {
    return this.roleIn(orgId) === 'organiser' ? this.person.email : undefined;
  }

  seesLeak(leak: { orgId: number; meeting: { ownerEmail: string } | null }): boolean {
    const role = this.roleIn(leak.orgId);
    if (role === 'organiser') return leak.meeting !== null && leak.meeting.ownerEmail === this.person.email;
    return role !== null;
  }

  /** Whether the person may change the organisation's registration (its identifiers, its people). */
  administers(orgId: number): boolean {
    const role = this.roleIn(orgId);
    return role === 'admin' || role === 'operator';
  }
}

/**
 * The one answer to "which organisations may this person see, and as what":
 * every organisation where their address is a contact (admin outranks
 * organiser), and every organisation for an operator.
 */
export function accessOf(db: Db, person: Person): Access {
  const rows = statement(db, "SELECT org_id, role FROM contacts WHERE email = ? AND role IN ('admin', 'organiser')").all(person.email) as { org_id: number; role: OrganisationRole }[];
  const roles = new Map<number, OrganisationRole>();
  for (const { org_id: orgId, role } of rows) {
    if (role === 'admin' || !roles.has(orgId)) roles.set(orgId, role);
  }
  return new Access(person, roles);
}

/** The organisations a person may see, by name, with their role in each. */
export function visibleOrganisations(db: Db, access: Access): VisibleOrganisation[] {
  const rows = (
    access.person.operator
      ? statement(db, 'SELECT id, name FROM organisations ORDER BY name COLLATE NOCASE, id').all()
      : statement(
          db,
          "SELECT DISTINCT o.id, o.name FROM organisations o JOIN contacts c ON c.org_id = o.id WHERE c.email = ? AND c.role IN ('admin', 'organiser') ORDER BY o.name COLLATE NOCASE, o.id",
        ).all(access.person.email)
  ) as { id: number; name: string }[];
  return rows.map((row) => ({ id: row.id, name: row.name, role: access.roleIn(row.id)! }));
}

/** Someone an organisation lists as a contact, with their roles there and when they last signed in. */
export interface OrganisationPerson {
  email: string;
  roles: OrganisationRole[];
  /** Null when they never signed in to the dashboard. */
  lastSignInAt: string | null;
}

/** The people of one organisation: its admin and organiser contacts, by address. */
export function organisationPeople(db: Db, orgId: number): OrganisationPerson[] {
  const rows = statement(
    db,
    `SELECT c.email, group_concat(c.role) AS roles, p.last_sign_in_at
     FROM contacts c LEFT JOIN people p ON p.email = c.email
     WHERE c.org_id = ? AND c.role IN ('admin', 'organiser')
     GROUP BY c.email COLLATE NOCASE ORDER BY c.email COLLATE NOCASE`,
  ).all(orgId) as { email: string; roles: string; last_sign_in_at: string | null }[];
  return rows.map((row) => ({
    email: row.email,
    roles: (['admin', 'organiser'] as const).filter((role) => row.roles.split(',').includes(role)),
    lastSignInAt: row.last_sign_in_at,
  }));
}
