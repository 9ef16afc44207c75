import { join } from 'node:path';
import { Matcher, type MatchSettings } from '../../src/match/matcher.js';
import { Registration } from '../../src/match/registration.js';
import { createOrganisation } from '../../src/registry/organisations.js';
import { addIdentifier, verifyManually } from '../../src/registry/identifiers.js';
import { migrate, openDatabase, type Db } from '../../src/store/database.js';
import { tempDir } from './cli.js';

export const SETTINGS = { startingSoonHours: 24, repeatedPosts: 3 };
export const VERIFICATION = { tokenTtlHours: 72, publicUrl: 'https://leakwatch.test' };

export interface TestStore {
  db: Db;
  matcher: Matcher;
  registration: Registration;
  path: string;
  cleanup: () => void;
}

/** A migrated database in a temporary file, with the pipeline on it. */
export function tempStore(settings: MatchSettings = SETTINGS): TestStore {
  const temp = tempDir();
  const path = join(temp.dir, 'leakwatch.db');
  const db = openDatabase(path);
  migrate(db);
  const matcher = new Matcher(db, settings);
  return {
    db,
    matcher,
    registration: new Registration(db, matcher),
    path,
    cleanup: () => {
      if (db.open) db.close();
      temp.cleanup();
    },
  };
}

/** An organisation with one admin and, unless told otherwise, its email domain verified. */
export function school(store: TestStore, name: string, domain: string, options: { verified?: boolean } = {}): number {
  const org = createOrganisation(store.db, { name, admins: [`it@${domain}`] }, 'test');
  addIdentifier(store.db, { orgId: org.id, kind: 'email-domain', value: domain }, VERIFICATION, 'test');
  if (options.verified ?? true) verifyManually(store.db, { orgId: org.id, value: domain }, 'test', store.registration.onVerified);
  return org.id;
}

export function count(db: Db, table: string, where = '1 = 1', ...params: unknown[]): number {
  return db.prepare(`SELECT count(*) FROM ${table} WHERE ${where}`).pluck().get(...params) as number;
}
