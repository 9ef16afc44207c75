import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { runMain, tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const lw = (args: string[]) => runMain([...args, '--db', join(dir, 'leakwatch.db'), '--log-level', 'silent']);

it('adds, lists and removes operators, with the audit log and clear refusals', async () => {
  const added = await lw(['operator', 'add', 'Ops@Leakwatch.Test', '--json']);
  expect(added.code).toBe(0);
  expect(JSON.parse(added.stdout)).toMatchObject({ email: 'ops@leakwatch.test', operator: true });
  expect((await lw(['operator', 'add', 'ops@leakwatch.test'])).code).toBe(0);
  const listed = await lw(['operator', 'list', '--json']);
  expect(JSON.parse(listed.stdout).map((p: { email: string }) => p.email)).toEqual(['ops@leakwatch.test']);
  expect((await lw(['operator', 'list'])).stdout).toContain('ops@leakwatch.test');

  const removed = await lw(['operator', 'remove', 'ops@leakwatch.test']);
  expect(removed.code).toBe(0);
  expect(removed.stdout).toContain('no longer an operator');
  expect(JSON.parse((await lw(['operator', 'list', '--json'])).stdout)).toEqual([]);
  const again = await lw(['operator', 'remove', 'ops@leakwatch.test']);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('is not an operator');
  const db = openDatabase(join(dir, 'leakwatch.db'));
  expect(db.prepare("SELECT action FROM audit_log WHERE action LIKE 'operator.%' ORDER BY id").pluck().all()).toEqual(['operator.added', 'operator.removed']);
  db.close();
  const bad = await lw(['operator', 'add', 'not an address']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('is not a valid email address');
});
