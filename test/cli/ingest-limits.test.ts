/**
 * What `leakwatch ingest` and `leakwatch scan` do with input that is too big
 * or not UTF-8, run as real processes.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli, tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const MAX_RSS_PROBE = fileURLToPath(new URL('../support/max-rss.mjs', import.meta.url));

/** Runs the executable with a probe that prints the process's peak RSS (KiB) on stderr as it exits. */
function runMeasured(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; maxRssKiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv({ NODE_OPTIONS: `--import=${MAX_RSS_PROBE}` }) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const probe = /^max-rss-kib (\d+)$/m.exec(stderr);
      resolve({ code, stdout, stderr, maxRssKiB: probe ? Number(probe[1]) : NaN });
    });
    child.stdin.end();
  });
}

describe('leakwatch ingest: ingest.maxPostBytes', () => {
  it('reads a 50 MB line in under 150 MB of memory, keeping its first 256 KiB with a note of the rest', async () => {
    const file = join(dir, 'huge.jsonl');
    const filler = 50 * 1024 * 1024;
    writeFileSync(
      file,
      `${JSON.stringify({ id: 'huge', text: `zoom.us/j/84512397260 ${'a'.repeat(filler)} zoom.us/j/86122904418` })}\n${JSON.stringify({ id: 'next', text: 'meet.google.com/abc-mnop-xyz' })}\n`,
    );
    const db = join(dir, 'lw.db');
    const result = await runMeasured(['ingest', file, '--source', 'manual', '--db', db, '--log-level', 'warn', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ posts: 2, references: 2, malformed: 0 });
    expect(result.maxRssKiB).toBeLessThan(150 * 1024);

    const check = new Database(db, { readonly: true });
    const texts = Object.fromEntries(check.prepare('SELECT source_id, text FROM posts').raw().all() as [string, string][]);
    check.close();
    const stored = texts.huge!;
    expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(256 * 1024);
    expect(stored.startsWith('zoom.us/j/84512397260 aaaa')).toBe(true);
    const note = /\n\[… cut: (\d+) bytes\]$/.exec(stored)!;
    // The second link was past the cap: cut, not read.
    expect(stored).not.toContain('86122904418');
    expect(note.index + Number(note[1])).toBe(`zoom.us/j/84512397260 ${'a'.repeat(filler)} zoom.us/j/86122904418`.length);
    expect(texts.next).toBe('meet.google.com/abc-mnop-xyz');
  });

  it('cuts a post at the configured ingest.maxPostBytes', async () => {
    const file = join(dir, 'posts.jsonl');
    writeFileSync(file, `${JSON.stringify({ id: 'p1', text: `zoom.us/j/84512397260 ${'é'.repeat(3000)}` })}\n`);
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ ingest: { maxPostBytes: 2048 } }));
    const db = join(dir, 'lw.db');
    expect((await runCli(['ingest', file, '--source', 'manual', '--db', db, '--config', config, '--log-level', 'warn'])).code).toBe(0);
    const check = new Database(db, { readonly: true });
    const text = check.prepare('SELECT text FROM posts').pluck().get() as string;
    check.close();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
    expect(text).toMatch(/^zoom\.us\/j\/84512397260 é+\n\[… cut: \d+ bytes\]$/);
  });
});

describe('input that is not valid UTF-8', () => {
  const lines = () =>
    Buffer.concat([
      Buffer.from('{"id":"p1","text":"zoom.us/j/84512397260 caf'),
      Buffer.from([0xe9, 0x20]), // Latin-1 é: not UTF-8
      Buffer.from('"}\n{"id":"p2","text":"meet.google.com/abc-mnop-xyz"}\n{"id":"p3","text":"'),
      Buffer.from([0xc3]), // a character cut in half
      Buffer.from(' zoom.us/j/86122904418"}\n'),
    ]);

  it('ingest reports each such line with its number and reads it with U+FFFD in place of the bad bytes', async () => {
    const file = join(dir, 'latin1.jsonl');
    writeFileSync(file, lines());
    const db = join(dir, 'lw.db');
    const result = await runCli(['ingest', file, '--source', 'manual', '--db', db, '--log-level', 'warn', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`${file}: line 1: not valid UTF-8; read with U+FFFD in place of the bad bytes\n${file}: line 3: not valid UTF-8; read with U+FFFD in place of the bad bytes\n`);
    expect(JSON.parse(result.stdout)).toMatchObject({ posts: 3, references: 3, malformed: 0 });
    const check = new Database(db, { readonly: true });
    expect(check.prepare("SELECT text FROM posts WHERE source_id = 'p1'").pluck().get()).toBe('zoom.us/j/84512397260 caf\ufffd ');
    check.close();
  });

  it('scan reports each such line with its number, still finds its references, and exits 0', async () => {
    const file = join(dir, 'latin1.jsonl');
    writeFileSync(file, lines());
    const result = await runCli(['scan', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('line 1: not valid UTF-8; read with U+FFFD in place of the bad bytes\nline 3: not valid UTF-8; read with U+FFFD in place of the bad bytes\n');
    expect(result.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { post: string }).post)).toEqual(['p1', 'p2', 'p3']);
  });

  it('scan numbers them right on its worker threads too (inputs past 2 MiB)', async () => {
    const file = join(dir, 'big.jsonl');
    const filler = Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ id: `f${i}`, text: 'nothing to see here, just chatting about homework' })).join('\n');
    writeFileSync(file, Buffer.concat([Buffer.from(`${filler}\n`), lines()]));
    const result = await runCli(['scan', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('line 40001: not valid UTF-8; read with U+FFFD in place of the bad bytes\nline 40003: not valid UTF-8; read with U+FFFD in place of the bad bytes\n');
    expect(result.stdout.trim().split('\n')).toHaveLength(3);
  });
});
