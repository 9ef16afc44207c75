import { randomBytes } from 'node:crypto';
import type { Db } from './database.js';
import { statement } from './statements.js';

/**
 * A random key generated once per installation and kept in the database
 * (e.g. the key of passcode fingerprints). Created on first use.
 */
export function installationKey(db: Db, name: string): Buffer {
  const key = `key:${name}`;
  // Prepared once per connection, and read before anything is written: meeting imports ask for the fingerprint key per meeting.
  const read = statement(db, 'SELECT value FROM settings WHERE key = ?').pluck();
  let value = read.get(key) as string | undefined;
  if (value === undefined) {
    statement(db, 'INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(key, randomBytes(32).toString('base64url'));
    value = read.get(key) as string;
  }
  return Buffer.from(value, 'base64url');
}
