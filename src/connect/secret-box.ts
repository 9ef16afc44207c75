import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError, InputError } from '../errors.js';
import { SECRET_ENV } from '../config/schema.js';

/**
 * Platform credentials at rest: AES-256-GCM with a key from
 * `LEAKWATCH_SECRET_KEY`, a random 12-byte IV per seal, and additional
 * authenticated data naming what the secret belongs to, so that a sealed
 * value copied into another organisation's row (or another provider's) does
 * not open. The database alone never holds the key.
 */

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The format of a sealed value, kept in front of it so the scheme can change later. */
const VERSION = 'v1';
const KEY_VARIABLE = SECRET_ENV.secretKey;

/**
 * The 32-byte key `LEAKWATCH_SECRET_KEY` holds, written as 64 hex digits or
 * as base64 (standard or URL-safe). Anything else is a {@link ConfigError}
 * naming the variable; absent, an {@link InputError}: no credential is
 * stored or read without it.
 */
export function secretKeyFrom(value: string | undefined): Buffer {
  if (value === undefined || value.trim() === '') {
    throw new InputError(
      `${KEY_VARIABLE} is not set: platform credentials are kept only encrypted with it, so none can be stored or read. ` +
        `Set it to 32 random bytes, e.g. \`openssl rand -base64 32\`, and keep it apart from the database's backups`,
    );
  }
  const text = value.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-f]{64}$/i.test(text)) key = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const decoded = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (decoded.length === 32) key = decoded;
  }
  if (key === null) {
    throw new ConfigError([
      `${KEY_VARIABLE}: expected 32 bytes written as 64 hex digits or as base64 (44 characters), got ${text.length} characters; ` +
        'make one with `openssl rand -base64 32`',
    ]);
  }
  return key;
}

/** What a sealed secret is bound to: it opens only for the same organisation, provider and platform account. */
export interface SecretBinding {
  orgId: number;
  provider: string;
  accountId: string;
}

function aad(binding: SecretBinding): Buffer {
  return Buffer.from(`leakwatch-connection\0${binding.orgId}\0${binding.provider}\0${binding.accountId}`, 'utf8');
}

/** `v1.<iv>.<ciphertext>.<tag>`, each base64url. */
export function seal(key: Buffer, plaintext: string, binding: SecretBinding): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(binding));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/** A sealed secret that does not open: another key, altered bytes, or a row moved to another organisation. */
export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

/** The plaintext of {@link seal}'s output; a {@link SecretBoxError} when it does not open for this key and binding. */
export function open(key: Buffer, sealed: string, binding: SecretBinding): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError(`a stored credential is not in the ${VERSION} format; connect the account again`);
  const [iv, ciphertext, tag] = parts.slice(1).map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('a stored credential is damaged; connect the account again');
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(binding));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new SecretBoxError(
      `a stored credential does not open: ${KEY_VARIABLE} is not the key it was stored with, or the row was altered or moved to another organisation; ` +
        'restore the key, or connect the account again',
      { cause: error },
    );
  }
}
