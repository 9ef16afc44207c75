import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = join(dir, 'leakwatch.db');
});
afterEach(() => cleanup());

async function lw(args: string[]) {
  return runMain([...args, '--db', db, '--log-level', 'silent']);
}

async function importFile(name: string, bytes: Uint8Array, ...options: string[]) {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return lw(['meeting', 'import', '--org', '1', file, ...options]);
}

const CSV = 'sep=;\r\nPlatform;Meeting ID;Owner Email;Title\r\nzoom;845 1239 7261;m.huber@lindenschule.example;Mathe – Förderkurs\r\n';

async function titles(): Promise<string[]> {
  const listed = await lw(['meeting', 'list', '--org', '1', '--json']);
  return (JSON.parse(listed.stdout) as { title: string }[]).map((m) => m.title);
}

describe('leakwatch meeting import: the encodings Excel saves', () => {
  beforeEach(async () => {
    expect((await lw(['org', 'add', '--name', 'Lindenschule', '--admin', 'it@lindenschule.example'])).code).toBe(0);
  });

  it('reads a UTF-16LE file with a BOM (Excel "Unicode text")', async () => {
    const result = await importFile('unicode.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CSV, 'utf16le')]));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('1 meeting(s) added');
    // The school registered no email domain yet: the CLI says whose alerts wait.
    expect(result.stdout).toContain('  warning: 1 organiser is on lindenschule.example, which Lindenschule has not verified: their alerts wait until it is');
    expect(await titles()).toEqual(['Mathe – Förderkurs']);
  });

  it('reads a Windows-1252 file without being told, and a Latin-1 one with --encoding', async () => {
    const windows = Buffer.from(CSV.replace('–', '\u0096'), 'latin1');
    expect((await importFile('windows.csv', windows)).code).toBe(0);
    expect(await titles()).toEqual(['Mathe – Förderkurs']);
    const latin1 = Buffer.from(CSV.replace('–', '-').replace('845 1239 7261', '845 1239 7262'), 'latin1');
    expect((await importFile('latin1.csv', latin1, '--encoding', 'latin1')).code).toBe(0);
    expect(await titles()).toEqual(['Mathe – Förderkurs', 'Mathe - Förderkurs']);
  });

  it('refuses an encoding it does not know, and a file that is not in the encoding named', async () => {
    const unknown = await importFile('x.csv', Buffer.from(CSV), '--encoding', 'ebcdic');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown encoding "ebcdic"; use one of: utf-8, utf-16le, utf-16be, windows-1252, latin1, iso-8859-1');
    const wrong = await importFile('y.csv', Buffer.from(CSV, 'latin1'), '--encoding', 'utf-8');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the file is not valid utf-8');
    expect(await titles()).toEqual([]);
  });
});
