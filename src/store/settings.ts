import { randomBytes } from 'node:crypto';
import type { Db } from './database.js';

/**
 * A random key generated once per installation and kept in the database
 * (e.g. the key of passcode fingerprints). Created on first use.
 */
export function installationKey(db: Db, name: string): Buffer {
  const key = `key:${name}`;
  db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(key, randomBytes(32).toString('base64url'));
  const value = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string;
  return Buffer.from(value, 'base64url');
}
