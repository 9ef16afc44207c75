import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal, SecretBoxError, secretKeyFrom } from '../../src/connect/secret-box.js';
import { ConfigError, InputError } from '../../src/errors.js';

const binding = { orgId: 1, provider: 'zoom', accountId: 'acc-1' };

describe('secret box', () => {
  it('reads the key as 64 hex digits or base64, standard or URL-safe', () => {
    const bytes = randomBytes(32);
    expect(secretKeyFrom(bytes.toString('hex'))).toEqual(bytes);
    expect(secretKeyFrom(bytes.toString('base64'))).toEqual(bytes);
    expect(secretKeyFrom(` ${bytes.toString('base64url')}\n`)).toEqual(bytes);
  });

  it('refuses a key of another length, naming the variable', () => {
    expect(() => secretKeyFrom(randomBytes(16).toString('base64'))).toThrow(ConfigError);
    expect(() => secretKeyFrom('correct horse battery staple')).toThrow(/LEAKWATCH_SECRET_KEY/);
    expect(() => secretKeyFrom('ab'.repeat(31))).toThrow(/LEAKWATCH_SECRET_KEY: expected 32 bytes/);
  });

  it('refuses to work without a key', () => {
    expect(() => secretKeyFrom(undefined)).toThrow(InputError);
    expect(() => secretKeyFrom('')).toThrow(/LEAKWATCH_SECRET_KEY is not set.*none can be stored or read/);
  });

  it('opens what it sealed, with a new IV every time', () => {
    const key = randomBytes(32);
    const a = seal(key, 'client-secret-value', binding);
    const b = seal(key, 'client-secret-value', binding);
    expect(a).not.toBe(b);
    expect(a).not.toContain('client-secret-value');
    expect(open(key, a, binding)).toBe('client-secret-value');
    expect(open(key, b, binding)).toBe('client-secret-value');
  });

  it('does not open with another key', () => {
    const sealed = seal(randomBytes(32), 'x', binding);
    expect(() => open(randomBytes(32), sealed, binding)).toThrow(SecretBoxError);
  });

  it('does not open a tampered value', () => {
    const key = randomBytes(32);
    const [version, iv, ciphertext, tag] = seal(key, 'client-secret-value', binding).split('.') as [string, string, string, string];
    const bytes = Buffer.from(ciphertext, 'base64url');
    bytes[0]! ^= 1;
    expect(() => open(key, [version, iv, bytes.toString('base64url'), tag].join('.'), binding)).toThrow(/does not open/);
    expect(() => open(key, 'v1.abc', binding)).toThrow(SecretBoxError);
  });

  it('does not open in another organisation, for another provider or account', () => {
    const key = randomBytes(32);
    const sealed = seal(key, 'x', binding);
    expect(() => open(key, sealed, { ...binding, orgId: 2 })).toThrow(/moved to another organisation/);
    expect(() => open(key, sealed, { ...binding, provider: 'microsoft' })).toThrow(SecretBoxError);
    expect(() => open(key, sealed, { ...binding, accountId: 'acc-2' })).toThrow(SecretBoxError);
  });
});
