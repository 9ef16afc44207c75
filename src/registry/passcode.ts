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

/**
 * Query parameters of meeting links that are credentials in their own right:
 * Zoom's `zak` (the host's key: a `/s/` link with it starts the meeting as
 * host) and `tk` (a registrant's token). Also found HTML-escaped (`&amp;zak=`)
 * or percent-encoded inside a wrapper link (`%26zak%3D`).
 */
const LINK_SECRETS = /((?:[?&;]|%3F|%26)(?:zak|tk)(?:=|%3D))([^&\s#"'<>]+)/gi;

/** The text with the values of credential parameters in links masked, same length (see {@link maskPasscode}). */
export function maskLinkSecrets(text: string): string {
  return text.replace(LINK_SECRETS, (_match, key: string, value: string) => `${key}${maskPasscode(value)}`);
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
