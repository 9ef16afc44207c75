import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';

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

/** The installation key (`settings`) of the fingerprints of passcodes, posted and registered. */
export const FINGERPRINT_KEY_NAME = 'passcode-fingerprint';

/**
 * The two forms a meeting's passcode travels in: the short `code` people type
 * (`662810`) and the long `token` a join link carries (Zoom's `pwd=`). A
 * posted code can only be compared with a registered code, a token with a token.
 */
export type PasscodeForm = 'code' | 'token';

export function passcodeForm(passcode: string): PasscodeForm {
  return passcode.trim().length >= 16 ? 'token' : 'code';
}

/** `sha256$<salt>$<digest>$<form>`, one per known form of the passcode, space-separated. */
export function hashPasscodes(passcodes: readonly string[]): string | null {
  const forms = [...new Set(passcodes.map((p) => p.trim()).filter(Boolean))];
  if (forms.length === 0) return null;
  return forms
    .map((passcode) => {
      const salt = newSalt();
      return `${SCHEME}$${salt}$${digest(salt, passcode)}$${passcodeForm(passcode)}`;
    })
    .join(' ');
}

/**
 * A posted passcode against the registered hashes: `matches`, `differs` (a
 * registered passcode of the same form is different: it was changed), or
 * `unknown` (nothing of that form was registered to compare with).
 */
export function comparePasscode(passcode: string, stored: string | null): 'matches' | 'differs' | 'unknown' {
  const candidate = passcode.trim();
  const form = passcodeForm(candidate);
  const entries = (stored ?? '').split(' ').map((entry) => entry.split('$')).filter(([scheme, salt, expected, entryForm]) => scheme === SCHEME && salt && expected && entryForm === form);
  if (entries.length === 0) return 'unknown';
  const matches = entries.some(([, salt, expected]) => {
    const actual = Buffer.from(digest(salt!, candidate), 'base64url');
    const wanted = Buffer.from(expected!, 'base64url');
    return actual.length === wanted.length && timingSafeEqual(actual, wanted);
  });
  return matches ? 'matches' : 'differs';
}

/** Whether `passcode` is one of the forms hashed into `stored`. */
export function passcodeMatches(passcode: string, stored: string | null): boolean {
  return comparePasscode(passcode, stored) === 'matches';
}

/** A keyed fingerprint of a passcode seen in a post (deterministic for one installation key). */
export function passcodeFingerprint(key: Buffer, passcode: string): string {
  return createHmac('sha256', key).update(passcode.trim()).digest('base64url');
}

/**
 * Keyed fingerprints of a meeting's registered passcodes, `<form>$<fingerprint>`
 * space-separated, with the key of the sightings' fingerprints: what a posted
 * passcode is compared with when only its fingerprint is left (a reply stored
 * before the post it answers).
 */
export function fingerprintPasscodes(key: Buffer, passcodes: readonly string[]): string | null {
  const forms = [...new Set(passcodes.map((p) => p.trim()).filter(Boolean))];
  if (forms.length === 0) return null;
  return forms.map((passcode) => `${passcodeForm(passcode)}$${passcodeFingerprint(key, passcode)}`).join(' ');
}

/**
 * A posted passcode known only by its mask and fingerprint against a meeting's
 * registered fingerprints ({@link fingerprintPasscodes}), as
 * {@link comparePasscode} does with the passcode itself. The mask is as long
 * as the passcode, so it tells the form.
 */
export function compareFingerprint(masked: string, fingerprint: string, stored: string | null): 'matches' | 'differs' | 'unknown' {
  const form = passcodeForm(masked);
  const entries = (stored ?? '')
    .split(' ')
    .map((entry) => entry.split('$'))
    .filter(([entryForm, value]) => entryForm === form && value);
  if (entries.length === 0) return 'unknown';
  const wanted = Buffer.from(fingerprint, 'base64url');
  return entries.some(([, value]) => {
    const actual = Buffer.from(value!, 'base64url');
    return actual.length === wanted.length && timingSafeEqual(actual, wanted);
  })
    ? 'matches'
    : 'differs';
}

/**
 * What people may see of a passcode they were told about: for a long one
 * (8 characters or more) its first and last character, `b••••••••••9`, so an
 * organiser can tell which of their links it was; a short one not at all, as
 * two of six digits would leave too few to guess. Secrets inside texts are
 * masked by position instead (`src/extract/mask.ts`).
 */
export function maskPasscode(passcode: string): string {
  const chars = [...passcode];
  if (chars.length < 8) return '•'.repeat(chars.length);
  return `${chars[0]}${'•'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

// Salts are cut from a pool of random bytes: one system call per 256 salts, which imports feel.
let pool = Buffer.alloc(0);
let offset = 0;
function newSalt(): string {
  if (offset + 16 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  offset += 16;
  return pool.subarray(offset - 16, offset).toString('base64url');
}

function digest(salt: string, passcode: string): string {
  // One-shot hashing: several times faster than a Hash object for inputs this short.
  return hash('sha256', `${salt}\0${passcode}`, 'base64url');
}
