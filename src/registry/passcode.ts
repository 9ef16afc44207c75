import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Passcodes are never stored. A registered meeting keeps salted SHA-256
 * hashes of the forms it is known by (the passcode people type, the `pwd=`
 * token of its link); a sighting keeps a keyed fingerprint, so that a meeting
 * registered later can still be compared with what was posted.
 *
 * Meeting passcodes are short (often six digits), so no hash stops a
 * determined brute force; these keep them out of database dumps, logs and
 * emails. Speed matters here: imports hash a hundred thousand meetings a second.
 */

const SCHEME = 'sha256';

/** `sha256$<salt>$<digest>`, one per form, space-separated. */
export function hashPasscodes(passcodes: readonly string[]): string | null {
  const forms = [...new Set(passcodes.map((p) => p.trim()).filter(Boolean))];
  if (forms.length === 0) return null;
  return forms
    .map((passcode) => {
      const salt = randomBytes(16).toString('base64url');
      return `${SCHEME}$${salt}$${digest(salt, passcode)}`;
    })
    .join(' ');
}

/** Whether `passcode` is one of the forms hashed into `stored`. */
export function passcodeMatches(passcode: string, stored: string | null): boolean {
  if (!stored) return false;
  const candidate = passcode.trim();
  return stored.split(' ').some((entry) => {
    const [scheme, salt, expected] = entry.split('$');
    if (scheme !== SCHEME || !salt || !expected) return false;
    const actual = Buffer.from(digest(salt, candidate), 'base64url');
    const wanted = Buffer.from(expected, 'base64url');
    return actual.length === wanted.length && timingSafeEqual(actual, wanted);
  });
}

/** A keyed fingerprint of a passcode seen in a post (deterministic for one installation key). */
export function passcodeFingerprint(key: Buffer, passcode: string): string {
  return createHmac('sha256', key).update(passcode.trim()).digest('base64url');
}

/**
 * What people may see of a passcode: its first and last character, e.g.
 * `6****0`; short ones not at all. The mask is as long as the passcode, so
 * offsets into a text stay valid after masking.
 */
export function maskPasscode(passcode: string): string {
  const chars = [...passcode];
  if (chars.length <= 4) return '*'.repeat(chars.length);
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

/** The text with every occurrence of each passcode masked (evidence is kept, the secret is not). */
export function maskPasscodesIn(text: string, passcodes: readonly string[]): string {
  let masked = text;
  // Longest first, so a passcode that contains another is masked whole.
  for (const passcode of [...new Set(passcodes)].filter((p) => p.length > 0).sort((a, b) => b.length - a.length)) {
    masked = masked.split(passcode).join(maskPasscode(passcode));
  }
  return masked;
}

function digest(salt: string, passcode: string): string {
  return createHash('sha256').update(salt).update('\0').update(passcode).digest('base64url');
}
