/**
 * Signed email links: a token verifies only as it was issued. base64url
 * leaves spare bits in its last character, so a decoder accepts several
 * spellings of the same signature; every other spelling must be refused.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signLink, verifyLink } from '../../src/notify/links.js';

const KEY = randomBytes(32);
const NOW = new Date('2026-09-01T12:00:00.000Z');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function token(): string {
  return signLink(KEY, { action: 'resolve', orgId: 1, leakId: 7, recipient: 'teacher@westfield.example', expires: Math.floor(NOW.getTime() / 1000) + 3600 });
}

describe('link signatures', () => {
  it('accepts the token as issued', () => {
    expect(verifyLink(KEY, token(), NOW).ok).toBe(true);
  });

  it('refuses every other spelling of the signature (each last character, padding, case)', () => {
    const issued = token();
    const [body, signature] = issued.split('.') as [string, string];
    const accepted: string[] = [];
    for (const c of ALPHABET) {
      const variant = `${body}.${signature.slice(0, -1)}${c}`;
      if (variant !== issued && verifyLink(KEY, variant, NOW).ok) accepted.push(c);
    }
    expect(accepted).toEqual([]);
    for (const variant of [`${issued}=`, `${body}.${signature}==`, `${body}.${signature.replace(/-/g, '+').replace(/_/g, '/')}`, ` ${issued}`, `${issued}\n`]) {
      if (variant === issued) continue;
      expect(verifyLink(KEY, variant, NOW).ok, variant).toBe(false);
    }
  });

  it('refuses a changed body even when the signature is kept', () => {
    const [body, signature] = token().split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, orgId: 2 })).toString('base64url');
    expect(verifyLink(KEY, `${forged}.${signature}`, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });
});
