/**
 * Secrets handed to people once — verification links, DNS tokens, sign-in
 * links, session ids — and the hash that is all the database keeps of them.
 * 256 random bits: a hash without a salt is enough, nobody can guess one.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored in place of a token: its SHA-256, hex. */
export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
