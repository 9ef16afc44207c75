import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticate, createToken, listTokens, revokeToken } from '../../src/api/tokens.js';
import { InputError, NotFoundError } from '../../src/errors.js';
import { hashSecretToken } from '../../src/store/secret-tokens.js';
import { runMain, tempDir } from '../support/cli.js';
import { school, tempStore, type TestStore } from '../support/store.js';

let store: TestStore;
let a: number;
let b: number;
beforeEach(() => {
  store = tempStore();
  a = school(store, 'Westfield High', 'westfield.example');
  b = school(store, 'Eastgate School', 'eastgate.example');
});
afterEach(() => store.cleanup());

describe('API tokens', () => {
  it('are shown once: only the hash is stored, and the token authenticates as its organisation and scope', () => {
    const { token, apiToken } = createToken(store.db, { orgId: a, name: 'timetable sync', scope: 'write', actor: 'operator:test' });
    expect(token).toMatch(/^lw_[A-Za-z0-9_-]{43}$/);
    const row = store.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(apiToken.id) as Record<string, unknown>;
    expect(Object.values(row)).not.toContain(token);
    expect(row.token_hash).toBe(hashSecretToken(token));
    expect(JSON.stringify(listTokens(store.db, a))).not.toContain(token.slice(3));
    expect(authenticate(store.db, `Bearer ${token}`)).toEqual({ tokenId: apiToken.id, orgId: a, scope: 'write' });
    expect(listTokens(store.db, a)[0]!.lastUsedAt).not.toBeNull();
  });

  it('refuse anything but a live token of the right shape', () => {
    const { token, apiToken } = createToken(store.db, { orgId: a, name: 'x', scope: 'read', actor: 'test' });
    for (const header of [undefined, '', 'Bearer', `Basic ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Bearer lw_${'A'.repeat(43)}`, `Bearer ${token} ${token}`, `Bearer ' OR 1=1 --`]) {
      expect(authenticate(store.db, header), String(header)).toBeNull();
    }
    expect(authenticate(store.db, `bearer ${token}`)).not.toBeNull();
    revokeToken(store.db, { orgId: a, id: apiToken.id, actor: 'test' });
    expect(authenticate(store.db, `Bearer ${token}`)).toBeNull();
    expect(() => revokeToken(store.db, { orgId: a, id: apiToken.id, actor: 'test' })).toThrow(/already revoked/);
  });

  it("cannot be listed or revoked through another organisation", () => {
    const { token, apiToken } = createToken(store.db, { orgId: a, name: 'x', scope: 'write', actor: 'test' });
    expect(listTokens(store.db, b)).toEqual([]);
    expect(() => revokeToken(store.db, { orgId: b, id: apiToken.id, actor: 'test' })).toThrow(NotFoundError);
    expect(authenticate(store.db, `Bearer ${token}`)).not.toBeNull();
  });

  it('need a name and a known scope', () => {
    expect(() => createToken(store.db, { orgId: a, name: '  ', scope: 'read', actor: 'test' })).toThrow(InputError);
    expect(() => createToken(store.db, { orgId: a, name: 'x', scope: 'admin', actor: 'test' })).toThrow(/read or write, got "admin"/);
    expect(() => createToken(store.db, { orgId: 999, name: 'x', scope: 'read', actor: 'test' })).toThrow(NotFoundError);
  });
});

describe('leakwatch token', () => {
  it('creates (printing the token once), lists without secrets and revokes', async () => {
    const temp = tempDir();
    try {
      const db = ['--db', join(temp.dir, 'l.db')];
      const org = JSON.parse((await runMain([...db, 'org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example', '--json'])).stdout) as { id: number };
      const created = await runMain([...db, 'token', 'create', '--org', String(org.id), '--name', 'sync', '--scope', 'write', '--json']);
      expect(created.code).toBe(0);
      const made = JSON.parse(created.stdout) as { id: number; token: string; scope: string };
      expect(made).toMatchObject({ scope: 'write', orgId: org.id, name: 'sync' });
      expect(made.token).toMatch(/^lw_/);
      const listed = await runMain([...db, 'token', 'list', '--org', String(org.id), '--json']);
      expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: made.id, revokedAt: null })]);
      expect(listed.stdout).not.toContain(made.token.slice(3));
      expect((await runMain([...db, 'token', 'create', '--org', String(org.id), '--name', 'x', '--scope', 'admin'])).code).toBe(2);
      const revoked = await runMain([...db, 'token', 'revoke', '--org', String(org.id), '--id', String(made.id), '--json']);
      expect(revoked.code).toBe(0);
      expect(JSON.parse(revoked.stdout).revokedAt).not.toBeNull();
      const again = await runMain([...db, 'token', 'revoke', '--org', String(org.id), '--id', String(made.id)]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already revoked');
    } finally {
      temp.cleanup();
    }
  });
});
