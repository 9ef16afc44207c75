import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, runMain, tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const lines = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('leakwatch scan', () => {
  it('reads JSON Lines on stdin and writes one reference per line with the contract keys', async () => {
    const input = [
      JSON.stringify({ id: 'p1', text: 'class link https://westfield.zoom.us/j/84512397260?pwd=abcDEF123 lets raid it', author: 'x' }),
      JSON.stringify({ id: 2, text: 'no meetings here, just zoom.us/pricing and order #1234567890' }),
      JSON.stringify({ id: 'p3', text: 'Meeting ID: 845 1239 7261 Passcode: 662810 and meet.google.com/abc-defg-hij' }),
    ].join('\n');
    const result = await runCli(['scan'], { input });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const refs = lines(result.stdout);
    expect(refs.map((r) => [r.post, r.platform, r.meetingId, r.passcode])).toEqual([
      ['p1', 'zoom', '84512397260', 'abcDEF123'],
      ['p3', 'zoom', '84512397261', '662810'],
      ['p3', 'google-meet', 'abc-defg-hij', null],
    ]);
    for (const ref of refs) for (const key of ['post', 'platform', 'meetingId', 'passcode', 'url', 'host', 'orgHint']) expect(ref).toHaveProperty(key);
    expect(refs[0]).toMatchObject({ url: 'https://westfield.zoom.us/j/84512397260?pwd=abcDEF123', host: 'westfield.zoom.us', orgHint: { kind: 'zoom-subdomain', value: 'westfield' } });
    expect(refs[1]).toMatchObject({ url: null, host: null, orgHint: null });
  });

  it('reports malformed lines with their numbers on stderr, skips them and exits 1', async () => {
    const input = ['{"id":"a","text":"meet.google.com/abc-defg-hij"}', '{oops', '', '{"id":"b"}', '["not", "an", "object"]', '{"id":"c","text":"https://teams.microsoft.com/meet/729384160512?p=Xy7Kp2"}'].join('\n');
    const result = await runMain(['scan'], input);
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter(Boolean);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^line 2: /);
    expect(errors[1]).toMatch(/^line 4: .*text/);
    expect(errors[2]).toMatch(/^line 5: /);
    expect(lines(result.stdout).map((r) => r.post)).toEqual(['a', 'c']);
  });

  it('--plain takes each line as a post numbered by its line', async () => {
    const result = await runMain(['scan', '--plain'], 'nothing\njoin zoom.us/j/84512397260 now\n\nmeet.google.com/abc-defg-hij\n');
    expect(result.code).toBe(0);
    expect(lines(result.stdout).map((r) => [r.post, r.platform])).toEqual([
      [2, 'zoom'],
      [4, 'google-meet'],
    ]);
  });

  it('reads several files, naming the file of a malformed line', async () => {
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    writeFileSync(a, '{"id":"a1","text":"zoom.us/j/84512397260"}\n');
    writeFileSync(b, 'garbage\n{"id":"b2","text":"meet.google.com/abc-defg-hij"}\n');
    const result = await runMain(['scan', a, b]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${b.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: line 1: `));
    expect(lines(result.stdout).map((r) => r.post)).toEqual(['a1', 'b2']);
  });

  it.each([
    [['scan', 'no-such-file.jsonl'], 'cannot read no-such-file.jsonl: no such file'],
    [['scan', '--bogus'], "unknown option '--bogus'"],
    [['scan', '-', '-'], 'stdin (-) can be read only once'],
  ])('usage errors exit 2: %j', async (args, message) => {
    const result = await runMain(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  // The executable scans from a bundled entry (bin.js); these check it behaves as the full program does.
  it('the executable reports malformed lines and exits 1, like the full program', async () => {
    const file = join(dir, 'posts.jsonl');
    writeFileSync(file, '{"id":"a","text":"zoom.us/j/84512397260"}\n{oops\n');
    const result = await runCli(['scan', '--plain', '--', file]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout).map((r) => r.post)).toEqual([1]);
    const json = await runCli(['scan', file]);
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/^line 2: not valid JSON/);
    expect(lines(json.stdout).map((r) => r.post)).toEqual(['a']);
  });

  it.each([
    [['scan', 'no-such-file.jsonl'], 'cannot read no-such-file.jsonl: no such file'],
    [['scan', '--bogus'], "unknown option '--bogus'"],
    [['scan', '-', '-'], 'stdin (-) can be read only once'],
  ])('the executable hands usage errors to the full program: %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('the executable shows scan help', async () => {
    const result = await runCli(['scan', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: leakwatch scan');
  });
});
