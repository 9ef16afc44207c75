import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, runMain, tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('leakwatch executable', () => {
  it('--help lists every command, one line each, and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const commands = result.stdout.split('Commands:\n')[1]!.trimEnd().split('\n');
    expect(commands.map((line) => line.trim().split(/\s+/)[0])).toEqual(['run', 'scan', 'ingest', 'crawl', 'sources', 'org', 'webhook', 'identifier', 'meeting', 'connect', 'disconnect', 'connections', 'token', 'leaks', 'operator', 'demo', 'outbox', 'notify', 'config', 'db', 'help']);
    for (const line of commands) expect(line).toMatch(/^ {2}\S+( \S+)*\s{2,}\S.*$/);
  });

  it('runs as `leakwatch` from anywhere once on the PATH through symlinks, as `npm link` puts it there', async () => {
    // npm link: <prefix>/lib/node_modules/leakwatch -> the repository, <prefix>/bin/leakwatch -> ../lib/node_modules/leakwatch/src/cli/bin.js
    const prefix = join(dir, 'prefix');
    mkdirSync(join(prefix, 'lib', 'node_modules'), { recursive: true });
    mkdirSync(join(prefix, 'bin'));
    symlinkSync(fileURLToPath(new URL('../..', import.meta.url)), join(prefix, 'lib', 'node_modules', 'leakwatch'), 'dir');
    symlinkSync('../lib/node_modules/leakwatch/src/cli/bin.js', join(prefix, 'bin', 'leakwatch'));
    const work = join(dir, 'elsewhere');
    mkdirSync(work);
    const leakwatch = (args: string[], input = '') =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        // Found by PATH lookup, as a shell finds it; the working directory is not the repository.
        const child = spawn('leakwatch', args, { cwd: work, env: cleanEnv({ PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH ?? ''}` }) });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input);
      });
    expect(await leakwatch(['--version'])).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    // The README's first steps, as printed (the database lands in data/ of the working directory).
    expect(await leakwatch(['org', 'add', '--name', 'Westfield High School', '--admin', 'it@westfield.example'])).toMatchObject({ code: 0 });
    expect(existsSync(join(work, 'data', 'leakwatch.db'))).toBe(true);
    const listed = await leakwatch(['org', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: 1, name: 'Westfield High School' }]);
    const scanned = await leakwatch(['scan'], '{"id":"p1","text":"zoom.us/j/84512397260"}\n');
    expect(scanned.code).toBe(0);
    expect(JSON.parse(scanned.stdout)).toMatchObject({ post: 'p1', platform: 'zoom', meetingId: '84512397260' });
  });

    it('with no command prints usage on stderr and exits 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: leakwatch \[options\] \[command\]/);
  });

  it('an unknown command prints the error and usage on stderr and exits 2', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("error: unknown command 'frobnicate'");
    expect(result.stderr).toContain('Usage: leakwatch');
  });

  it('a bad config exits 78 listing the problem, before touching the database', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ sources: { reddit: { cron: '* * *' } } }));
    const db = join(dir, 'never.db');
    const result = await runCli(['db', 'migrate', '--config', config, '--db', db]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('sources.reddit.cron: invalid cron expression "* * *"');
    expect(existsSync(db)).toBe(false);
  });

  it('db migrate, status --json and backup work on a real file', async () => {
    const db = join(dir, 'data', 'leakwatch.db');
    const migrated = await runCli(['db', 'migrate', '--db', db, '--json']);
    expect(migrated.code).toBe(0);
    const result = JSON.parse(migrated.stdout) as { from: number; to: number; applied: string[] };
    expect(result.from).toBe(0);
    expect(result.applied[0]).toBe('001_initial.sql');

    const status = await runCli(['db', 'status', '--json'], { env: { LEAKWATCH_DB: db } });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ schemaVersion: result.to, pending: [], journalMode: 'wal' });

    const backup = join(dir, 'copy.db');
    const backedUp = await runCli(['db', 'backup', backup, '--db', db]);
    expect(backedUp.code).toBe(0);
    expect(backedUp.stdout).toContain(`backed up ${db} to ${backup}`);
    const copy = new Database(backup, { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(result.to);
    copy.close();
  });
});

describe('usage errors (in-process)', () => {
  it.each([
    [['db', 'status', '--bogus'], "error: unknown option '--bogus'"],
    [['--log-level', 'loud', 'config'], "error: option '--log-level <level>' argument 'loud' is invalid"],
    [['db', 'backup'], "error: missing required argument 'file'"],
    [['db', 'backup', 'a.db', 'b.db'], 'error: too many arguments'],
    [['db', 'vacuum'], "error: unknown command 'vacuum'"],
    [['db'], 'Usage: leakwatch db'],
  ])('leakwatch %j exits 2 with usage on stderr', async (args, message) => {
    const result = await runMain(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: leakwatch');
  });

  it('db status on a missing database exits 1 naming the path and the fix, creating nothing', async () => {
    const db = join(dir, 'absent.db');
    const result = await runMain(['db', 'status', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`leakwatch: no database at ${db}; \`leakwatch db migrate\` creates it\n`);
    expect(existsSync(db)).toBe(false);
  });

  it('refuses a database from a newer leakwatch with exit 1', async () => {
    const db = join(dir, 'future.db');
    const future = new Database(db);
    future.pragma('user_version = 4242');
    future.close();
    const result = await runMain(['db', 'migrate', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('schema version 4242, newer than this leakwatch knows');
  });

  it('config lists the warnings of a configuration that is valid but will not reach anyone', async () => {
    const result = await runMain(['config', '--db', 'x.db']);
    const { warnings } = JSON.parse(result.stdout) as { warnings: { code: string; message: string }[] };
    expect(warnings).toEqual([
      { code: 'default-mail-from', message: expect.stringContaining('mail.from is still the shipped leakwatch@localhost.localdomain') },
      { code: 'no-smtp', message: 'no SMTP server is configured: emails wait in the outbox until LEAKWATCH_SMTP_URL (or mail.smtpUrl) is set' },
    ]);
  });

  it('config prints the effective configuration with secrets shown only as set or unset', async () => {
    process.env.LEAKWATCH_SMTP_URL = 'smtp://user:hunter2@mail.example:587';
    try {
      const result = await runMain(['config', '--db', 'x.db']);
      expect(result.code).toBe(0);
      const printed = JSON.parse(result.stdout) as { config: { db: { path: string } }; secrets: Record<string, { set: boolean }> };
      expect(printed.config.db.path).toBe('x.db');
      expect(printed.secrets.smtpUrl).toEqual({ env: 'LEAKWATCH_SMTP_URL', set: true });
      expect(result.stdout).not.toContain('hunter2');
      // Emails would go out with buttons pointing at localhost, from the shipped sender.
      expect((printed as unknown as { warnings: { code: string }[] }).warnings.map((w) => w.code)).toEqual(['public-url-local', 'default-mail-from']);
    } finally {
      delete process.env.LEAKWATCH_SMTP_URL;
    }
  });
});
