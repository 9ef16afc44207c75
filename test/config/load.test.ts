import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function writeConfig(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The problems a configuration is rejected with. */
function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(78);
    return (error as ConfigError).problems;
  }
  throw new Error('configuration was accepted');
}

describe('loadConfig', () => {
  it('loads the shipped defaults on their own', () => {
    const { config, secrets, files } = loadConfig({ env: {} });
    expect(config.db.path).toBe('data/leakwatch.db');
    expect(config.http.respectRobotsTxt).toBe(true);
    expect(config.http.allowPrivateHosts).toBe(false);
    expect(Object.keys(config.sources).sort()).toEqual(
      ['bluesky', 'discourse', 'fourchan', 'hackernews', 'lemmy', 'mastodon', 'reddit', 'rss', 'telegram', 'webpage', 'x'],
    );
    expect(secrets).toEqual({});
    expect(files).toHaveLength(1);
  });

  it('accepts the annotated example, which differs from the defaults', () => {
    const { config } = loadConfig({ file: 'config/example.yaml', env: {} });
    expect(config.mail.from).toBe('leakwatch@school.example');
    expect(config.sources.reddit.subreddits).toEqual(['Teachers', 'college']);
  });

  it('merges a partial file over the defaults, replacing lists', () => {
    const file = writeConfig('c.json', { sources: { reddit: { enabled: true, queries: ['only this'] } } });
    const { config } = loadConfig({ file, env: {} });
    expect(config.sources.reddit.enabled).toBe(true);
    expect(config.sources.reddit.queries).toEqual(['only this']);
    expect(config.sources.reddit.baseUrl).toBe('https://www.reddit.com');
  });

  it('applies flags over env over file over defaults', () => {
    const file = writeConfig('c.yaml', 'db:\n  path: from-file.db\nlog:\n  level: warn\nretention:\n  postsMaxAgeDays: 30\n');
    const env = { LEAKWATCH_DB: 'from-env.db', LEAKWATCH_LOG_LEVEL: 'debug' };
    const { config } = loadConfig({ file, env, flags: { db: 'from-flag.db' } });
    expect(config.db.path).toBe('from-flag.db');
    expect(config.log.level).toBe('debug');
    expect(config.retention.postsMaxAgeDays).toBe(30);
    expect(config.db.busyTimeoutMs).toBe(5000);
  });

  it('reads the config file named by LEAKWATCH_CONFIG', () => {
    const file = writeConfig('c.json', { retention: { postsMaxAgeDays: 7 } });
    expect(loadConfig({ env: { LEAKWATCH_CONFIG: file } }).config.retention.postsMaxAgeDays).toBe(7);
  });

  it('converts environment values to the type of the setting', () => {
    const { config } = loadConfig({
      env: {
        LEAKWATCH_SOURCES__REDDIT__ENABLED: 'true',
        LEAKWATCH_SOURCES__REDDIT__JITTER_SECS: '5',
        LEAKWATCH_SOURCES__MASTODON__INSTANCES: 'https://a.example, https://b.example',
        LEAKWATCH_SOURCES__REDDIT__QUERIES: '["zoom, code", "meet"]',
        LEAKWATCH_MAIL__REPLY_TO: '',
        LEAKWATCH_HTTP__ALLOW_PRIVATE_HOSTS: '1',
      },
    });
    expect(config.sources.reddit.enabled).toBe(true);
    expect(config.sources.reddit.jitterSecs).toBe(5);
    expect(config.sources.mastodon.instances).toEqual(['https://a.example', 'https://b.example']);
    expect(config.sources.reddit.queries).toEqual(['zoom, code', 'meet']);
    expect(config.mail.replyTo).toBeNull();
    expect(config.http.allowPrivateHosts).toBe(true);
  });

  it('reads http.allowHosts as host:port pairs and names an entry without a port', () => {
    const { config } = loadConfig({ env: { LEAKWATCH_HTTP__ALLOW_HOSTS: 'calendar.intranet.example:443,[::1]:8080', LEAKWATCH_HTTP__DNS_SERVERS: '127.0.0.1:5353' } });
    expect(config.http.allowHosts).toEqual(['calendar.intranet.example:443', '[::1]:8080']);
    expect(config.http.dnsServers).toEqual(['127.0.0.1:5353']);
    expect(problemsOf(() => loadConfig({ env: { LEAKWATCH_HTTP__ALLOW_HOSTS: 'calendar.intranet.example' } }))).toEqual([
      'http.allowHosts[0]: not a host:port: "calendar.intranet.example" (write e.g. "calendar.intranet.example:443" or "[::1]:8080") (from env LEAKWATCH_HTTP__ALLOW_HOSTS)',
    ]);
  });

  it('takes secrets from the environment only', () => {
    const { secrets } = loadConfig({ env: { LEAKWATCH_SMTP_URL: 'smtp://u:p@mail.example:587', LEAKWATCH_X_BEARER_TOKEN: 'AAA' } });
    expect(secrets).toEqual({ smtpUrl: 'smtp://u:p@mail.example:587', xBearerToken: 'AAA' });
  });
});

describe('configuration errors', () => {
  it('names an invalid cron expression with its path and value', () => {
    const file = writeConfig('c.json', { sources: { reddit: { cron: '* * *' } } });
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('sources.reddit.cron: invalid cron expression "* * *"');
    expect(problems[0]).toContain(`(from ${file})`);
  });

  it('lists every problem at once, each with where it came from', () => {
    const file = writeConfig('c.json', {
      sources: { rss: { feeds: ['ftp://feeds.example/x'] }, redit: {} },
      retention: { postsMaxAgeDays: 0 },
    });
    const problems = problemsOf(() =>
      loadConfig({ file, env: { LEAKWATCH_SOURCES__X__ENABLED: 'maybe', LEAKWATCH_NOPE: '1' }, flags: { logLevel: 'loud' } }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        `sources.rss.feeds[0]: not an http(s) URL: "ftp://feeds.example/x" (from ${file})`,
        `sources.redit: unknown setting (from ${file})`,
        expect.stringMatching(/^retention\.postsMaxAgeDays: .*got 0 \(from .*c\.json\)$/),
        expect.stringMatching(/^sources\.x\.enabled: .*expected boolean.*got "maybe" \(from env LEAKWATCH_SOURCES__X__ENABLED\)$/),
        'nope: unknown setting (from env LEAKWATCH_NOPE)',
        expect.stringMatching(/^log\.level: .*got "loud" \(from --log-level\)$/),
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('reports a missing file', () => {
    const missing = join(dir, 'missing.json');
    expect(problemsOf(() => loadConfig({ file: missing, env: {} }))).toEqual([`config file ${missing}: not found`]);
  });

  it('reports invalid JSON and YAML with the parser message', () => {
    const json = writeConfig('bad.json', '{"db": {');
    expect(problemsOf(() => loadConfig({ file: json, env: {} }))[0]).toMatch(new RegExp(`^config file ${json}: invalid JSON: .+`));
    const yaml = writeConfig('bad.yaml', 'db:\n  path: [unclosed\n');
    expect(problemsOf(() => loadConfig({ file: yaml, env: {} }))[0]).toMatch(new RegExp(`^config file ${yaml}: invalid YAML: .+`));
  });

  it('refuses a file that is not an object of settings', () => {
    const file = writeConfig('list.json', '[1, 2]');
    expect(problemsOf(() => loadConfig({ file, env: {} }))).toEqual([`config file ${file}: must hold an object of settings, got an array`]);
  });

  it('refuses secrets written in a file', () => {
    const file = writeConfig('c.json', {
      sources: { x: { bearerToken: 'AAAA' } },
      mail: { smtpUrl: 'smtp://user:hunter2@mail.example:587' },
    });
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual([
      expect.stringMatching(/^sources\.x\.bearerToken: secrets are read only from the environment/),
      expect.stringMatching(/^mail\.smtpUrl: contains a password; .*set LEAKWATCH_SMTP_URL$/),
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('names a missing or mistyped value', () => {
    const file = writeConfig('c.json', { db: { path: '' }, mail: { from: 'not-an-address', smtpUrl: 'http://mail.example' } });
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual([
      `db.path: must not be empty, got "" (from ${file})`,
      `mail.from: not an email address: "not-an-address" (from ${file})`,
      `mail.smtpUrl: not an smtp:// or smtps:// URL: "http://mail.example" (from ${file})`,
    ]);
  });

  it('reports a value the defaults lack as missing', () => {
    const defaultsFile = writeConfig('defaults.json', { db: { busyTimeoutMs: 1 } });
    const problems = problemsOf(() => loadConfig({ defaultsFile, env: {} }));
    expect(problems).toContain('db.path: missing (expected string) (from defaults ' + defaultsFile + ')');
  });
});
