import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { runMain, tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => {
  delete process.env.LEAKWATCH_WEBHOOK_SECRET;
  cleanup();
});

const lw = (args: string[]) => runMain([...args, '--db', join(dir, 'leakwatch.db'), '--log-level', 'silent']);

it('shows and changes an organisation\'s settings, "default" going back to notify.*, refusing bad values by name', async () => {
  expect((await lw(['org', 'add', '--name', 'Westfield', '--admin', 'it@westfield.example'])).code).toBe(0);
  const shown = await lw(['org', 'settings', '--org', '1']);
  expect(shown.stdout).toContain("digest hours:           6 (the installation's default)");
  const changed = await lw(['org', 'settings', '--org', '1', '--digest-hours', '12', '--escalation', 'off', '--json']);
  expect(changed.code).toBe(0);
  expect(JSON.parse(changed.stdout)).toMatchObject({ own: { digestHours: 12, escalation: false, dailyCap: null }, applied: { digestHours: 12, dailyCap: 20, escalation: false } });
  const back = await lw(['org', 'settings', '--org', '1', '--digest-hours', 'default', '--json']);
  expect(JSON.parse(back.stdout).own.digestHours).toBeNull();
  const bad = await lw(['org', 'settings', '--org', '1', '--daily-cap', '5000']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('daily cap: 5000 is not a whole number from 1 to 1000');
  const worse = await lw(['org', 'settings', '--org', '1', '--escalate-after', 'soon']);
  expect(worse.code).toBe(2);
  expect(worse.stderr).toContain('--escalate-after must be a whole number or "default"');
  expect((await lw(['org', 'settings', '--org', '7'])).stderr).toContain('no organisation with id 7');
});

it('adds a webhook (key printed once, URL path never), lists hosts only, rekeys and removes it', async () => {
  await lw(['org', 'add', '--name', 'Westfield', '--admin', 'it@westfield.example']);
  const refused = await lw(['webhook', 'add', '--org', '1', '--url', 'https://hooks.example/services/T0SECRET']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('LEAKWATCH_WEBHOOK_SECRET is not set');
  process.env.LEAKWATCH_WEBHOOK_SECRET = 'cli-test-secret';
  const added = await lw(['webhook', 'add', '--org', '1', '--url', 'https://hooks.example/services/T0SECRET', '--json']);
  expect(added.code).toBe(0);
  const { id, key, url } = JSON.parse(added.stdout) as { id: number; key: string; url: string };
  expect(url).toBe('https://hooks.example/…');
  expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const listed = await lw(['webhook', 'list', '--org', '1']);
  expect(listed.stdout).toContain('https://hooks.example/…');
  expect(listed.stdout).not.toContain('T0SECRET');
  expect(listed.stdout).not.toContain(key);
  const rekeyed = JSON.parse((await lw(['webhook', 'key', '--org', '1', '--id', String(id), '--json'])).stdout) as { key: string };
  expect(rekeyed.key).not.toBe(key);
  expect((await lw(['webhook', 'add', '--org', '1', '--url', 'http://10.1.2.3/x'])).stderr).toContain('10.1.2.3 is');
  expect((await lw(['webhook', 'remove', '--org', '1', '--id', String(id)])).stdout).toContain('removed');
  expect((await lw(['webhook', 'remove', '--org', '1', '--id', String(id)])).stderr).toContain(`has no webhook ${id}`);
  const db = openDatabase(join(dir, 'leakwatch.db'));
  expect(db.prepare("SELECT action FROM audit_log WHERE action LIKE 'webhook.%' ORDER BY id").pluck().all()).toEqual(['webhook.added', 'webhook.rekeyed', 'webhook.removed']);
  expect(JSON.stringify(db.prepare('SELECT * FROM audit_log').all())).not.toContain('T0SECRET');
  db.close();
});
