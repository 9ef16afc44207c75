import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const SECRETS = ['662810', 'bG9uZ3Bhc3N3b3JkdG9rZW4', 'Xy7Kp2QwErT9', 'eyJ0eXAiOiJKV1Qi'];

describe('leakwatch demo', () => {
  it('runs the whole job offline: leaks found and rated, one alert per leak and organiser, no secret anywhere', async () => {
    const out = join(dir, 'demo');
    const result = await runMain(['demo', '--out', out, '--json', '--log-level', 'silent']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { leaks: { platform: string; meetingId: string; severity: string; status: string; matchKind: string }[]; emails: { to: string; eml: string }[]; references: number };
    expect(summary.references).toBe(7);
    expect(summary.leaks.map((l) => [l.platform, l.meetingId, l.severity, l.status, l.matchKind]).sort()).toEqual([
      ['google-meet', 'abc-defg-hij', 'high', 'notified', 'meeting'],
      ['teams', '2849175302615', 'critical', 'notified', 'meeting'],
      ['zoom', '84512397260', 'critical', 'notified', 'meeting'],
      ['zoom', '87615432098', 'critical', 'notified', 'identifier'],
      ['zoom', '91355501042', 'high', 'ignored', 'meeting'],
    ]);
    expect(summary.emails.map((e) => e.to).sort()).toEqual(['a.mensah@westfield.example', 'it@westfield.example', 'j.lindqvist@westfield.example', 'r.okafor@westfield.example']);

    const files = readdirSync(join(out, 'mail'));
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(4);
    for (const file of files.filter((f) => f.endsWith('.eml'))) {
      const mail = await simpleParser(readFileSync(join(out, 'mail', file)));
      for (const secret of SECRETS) {
        expect(String(mail.text)).not.toContain(secret);
        expect(String(mail.html)).not.toContain(secret);
        expect(mail.subject).not.toContain(secret);
      }
    }
    const db = new Database(join(out, 'leakwatch.db'), { readonly: true });
    for (const table of db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[]) {
      const rows = JSON.stringify(db.prepare(`SELECT * FROM "${table}"`).all());
      for (const secret of SECRETS) expect(rows, table).not.toContain(secret);
    }
    db.close();
  });

  it('never reuses a directory that holds a demo already', async () => {
    const out = join(dir, 'demo');
    expect((await runMain(['demo', '--out', out, '--log-level', 'silent'])).code).toBe(0);
    const again = await runMain(['demo', '--out', out, '--log-level', 'silent']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds a demo database');
  });
});
