/**
 * `leakwatch crawl --once` and `leakwatch sources` as an operator reads
 * them: a source with nothing configured says so, and a failing crawl logs
 * its error once, on one line, with its kind.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const ALL_OFF = Object.fromEntries(['reddit', 'mastodon', 'bluesky', 'hackernews', 'fourchan', 'telegram', 'lemmy', 'discourse', 'rss', 'x', 'webpage'].map((name) => [name, { enabled: false }]));

function lw(config: unknown, args: string[]) {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return runMain([...args, '--config', file, '--db', join(dir, 'lw.db'), '--log-level', 'info']);
}

function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a source enabled with nothing to crawl', () => {
  it('crawl --once says "nothing to crawl" and why, records no run, and sources shows it', async () => {
    const config = { sources: { ...ALL_OFF, rss: { enabled: true, feeds: [] }, hackernews: { enabled: true, queries: [] } } };
    const crawl = await lw(config, ['crawl', '--once']);
    expect(crawl.code).toBe(0);
    expect(crawl.stdout).toBe('hackernews: nothing to crawl: no queries configured (sources.hackernews.queries)\nrss: nothing to crawl: no feeds configured (sources.rss.feeds)\n');
    expect(crawl.stdout).not.toMatch(/succeeded|0 pages/);
    expect(logLines(crawl.stderr).filter((l) => l.msg === 'rss: nothing to crawl')).toMatchObject([{ level: 30, source: 'rss', reason: 'no feeds configured (sources.rss.feeds)' }]);
    const db = new Database(join(dir, 'lw.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM crawl_runs').pluck().get()).toBe(0);
    db.close();

    const json = JSON.parse((await lw(config, ['crawl', '--once', '--source', 'rss', '--json'])).stdout) as unknown[];
    expect(json).toMatchObject([{ source: 'rss', status: 'nothing-to-crawl', nothingToCrawl: 'no feeds configured (sources.rss.feeds)', pages: 0 }]);

    const sources = await lw(config, ['sources']);
    expect(sources.stdout).toMatch(/^rss {9}enabled  nothing to crawl: no feeds configured \(sources\.rss\.feeds\); last success never$/m);
    expect(sources.stdout).toMatch(/^reddit {6}disabled last success never$/m);
    const listed = JSON.parse((await lw(config, ['sources', '--json'])).stdout) as { source: string; nothingToCrawl: string | null }[];
    expect(listed.find((s) => s.source === 'rss')!.nothingToCrawl).toBe('no feeds configured (sources.rss.feeds)');
    expect(listed.find((s) => s.source === 'telegram')!.nothingToCrawl).toBe('no channels configured (sources.telegram.channels)');
  });
});

describe('a crawl error', () => {
  it('is logged once, on one line with its kind and message, without a stack', async () => {
    const [first, second] = [await closedPort(), await closedPort()];
    const config = {
      http: { allowPrivateHosts: true, retries: 0 },
      sources: { ...ALL_OFF, lemmy: { enabled: true, instances: [`http://127.0.0.1:${first}`, `http://127.0.0.1:${second}`] }, rss: { enabled: true, feeds: [`http://127.0.0.1:${first}/feed.xml`] } },
    };
    const result = await lw(config, ['crawl', '--once']);
    expect(result.code).toBe(1);
    const lines = logLines(result.stderr);
    for (const port of [first, second]) {
      const mentions = lines.filter((l) => JSON.stringify(l).includes(`127.0.0.1:${port}/robots.txt: connect ECONNREFUSED`) && l.source === 'lemmy');
      expect(mentions, `lemmy instance on ${port}`).toHaveLength(1);
      expect(mentions[0]!.err).toEqual({ type: 'RetryableError', kind: 'retryable', message: `http://127.0.0.1:${port}/robots.txt: connect ECONNREFUSED 127.0.0.1:${port}` });
    }
    const rss = lines.filter((l) => l.source === 'rss' && JSON.stringify(l).includes('ECONNREFUSED'));
    expect(rss).toHaveLength(1);
    expect(lines.filter((l) => l.msg?.toString().startsWith('crawl failed'))).toMatchObject([
      { source: 'lemmy', kind: 'retryable', level: 40 },
      { source: 'rss', kind: 'retryable', level: 40 },
    ]);
    expect(result.stderr).not.toMatch(/stack|\n\s+at /);
  });
});
