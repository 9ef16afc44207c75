import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { comparePasscode, hashPasscodes, maskPasscode, passcodeFingerprint, passcodeMatches } from '../../src/registry/passcode.js';

describe('passcodes', () => {
  it('are stored as salted hashes that verify each known form and nothing else', () => {
    const stored = hashPasscodes(['662810', 'Xy7Kp2abCD'])!;
    expect(stored).not.toContain('662810');
    expect(stored.split(' ')).toHaveLength(2);
    expect(passcodeMatches('662810', stored)).toBe(true);
    expect(passcodeMatches(' Xy7Kp2abCD ', stored)).toBe(true);
    expect(passcodeMatches('662811', stored)).toBe(false);
    expect(passcodeMatches('xy7kp2abcd', stored)).toBe(false);
    expect(passcodeMatches('662810', null)).toBe(false);
    expect(hashPasscodes(['  '])).toBeNull();
  });

  it('the same passcode hashes differently each time (salted)', () => {
    expect(hashPasscodes(['662810'])).not.toBe(hashPasscodes(['662810']));
  });

  it('fingerprints are stable for one key and differ across keys', () => {
    const key = randomBytes(32);
    expect(passcodeFingerprint(key, '662810')).toBe(passcodeFingerprint(key, '662810'));
    expect(passcodeFingerprint(key, '662810')).not.toBe(passcodeFingerprint(randomBytes(32), '662810'));
  });

  it('masks keep the length and show the first and last character of long passcodes only', () => {
    expect(maskPasscode('662810')).toBe('••••••');
    expect(maskPasscode('1234')).toBe('••••');
    expect(maskPasscode('abc662810xyz')).toBe('a••••••••••z');
  });
});

describe('comparing a posted passcode', () => {
  it('compares codes with codes and link tokens with tokens', () => {
    const stored = hashPasscodes(['bXk2TGpqRWd4QnJ5c0VQa3ZtV0N1Zz09'])!;
    expect(comparePasscode('bXk2TGpqRWd4QnJ5c0VQa3ZtV0N1Zz09', stored)).toBe('matches');
    expect(comparePasscode('Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4', stored)).toBe('differs');
    // Only the link token was registered: a typed code cannot be judged.
    expect(comparePasscode('662810', stored)).toBe('unknown');
    expect(comparePasscode('662810', hashPasscodes(['662810', 'bXk2TGpqRWd4QnJ5c0VQa3ZtV0N1Zz09']))).toBe('matches');
    expect(comparePasscode('662810', null)).toBe('unknown');
  });
});
