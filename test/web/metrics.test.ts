/**
 * `/metrics`: Prometheus text counted where the work happens (a real crawl
 * against a local replay, real sends to a local SMTP server and webhook
 * receiver, real HTTP requests), with labels that never name an
 * organisation, an address, a URL or a meeting.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { crawlerFor } from '../../crawlers/index.js';
import { loadConfig } from '../../src/config/load.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl } from '../../src/crawl/runner.js';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_ALERT_POLICY } from '../../src/match/alerts.js';
import { linkKey } from '../../src/notify/links.js';
import { smtpTransport, type MailTransport } from '../../src/notify/smtp.js';
import { Notifier } from '../../src/notify/worker.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { notifierConfig } from '../support/notify.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { school, SETTINGS, tempStore, type TestStore } from '../support/store.js';

const log = createLogger({ level: 'silent' });
/** The webhook's path is a secret of its own, as Slack's are. */
const HOOK_PATH = '/services/T0001/B0001/s3cr3tw3bh00kt0k3n';

let store: TestStore;
let replay: TestHttpServer;
let smtp: TestSmtpServer;
let mailer: MailTransport;
let web: WebServer;
let answer: (response: ServerResponse) => void;

beforeEach(async () => {
  replay = await startHttpServer({
    '/api/v1/search_by_date': (_request, response) => answer(response),
    [HOOK_PATH]: (_request, response) => void response.writeHead(500).end('down'),
  });
  store = tempStore({ ...SETTINGS, alerts: { ...DEFAULT_ALERT_POLICY, webhooks: [{ url: `${replay.url}${HOOK_PATH}` }] } });
  smtp = await startSmtpServer();
  mailer = smtpTransport(smtp.url, { maxConnections: 1, timeoutMs: 2000 });
  web = await startWebServer({ db: store.db, linkKey: linkKey(store.db, undefined), onVerified: store.registration.onVerified, log, host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  mailer.close();
  await web.close();
  await smtp.close();
  await replay.close();
  store.cleanup();
});

function crawl() {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.hackernews = { ...config.sources.hackernews, enabled: true, baseUrl: replay.url, queries: ['zoom.us/j'], requestIntervalMs: 0 };
  const http = new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 0, retryBaseMs: 10 });
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: crawlerFor('hackernews')!, config, secrets, http, log });
}

const hits = (text: string) => ({
  hits: [{ created_at: '2026-09-01T08:00:00.000Z', title: null, url: null, author: 'student7', comment_text: text, story_id: 41000000, parent_id: 41000000, created_at_i: 1_788_249_600, objectID: '41000301', _tags: ['comment'] }],
  nbHits: 1,
  page: 0,
  nbPages: 1,
  hitsPerPage: 100,
});

/** The value of one series in exposition text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

it('counts crawls, references, leaks, sends and responses, with low-cardinality labels only', async () => {
  const org = school(store, 'Westfield High', 'westfield.example');
  store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example', title: 'Year 9 Maths' }, 'test');
  answer = (response) =>
    void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hits('year 9 maths https://westfield.zoom.us/j/84512397260?pwd=abcDEF123 raid it')));
  expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 1, references: 1, leaks: 1 });
  answer = (response) => void response.writeHead(503).end('busy');
  expect(await crawl()).toMatchObject({ status: 'failed', errorKind: 'retryable' });

  const notifier = new Notifier({ db: store.db, config: notifierConfig(), secrets: { webhookSecret: 'whsec' }, log, mailer });
  expect(await notifier.flush()).toMatchObject({ sent: 1, retrying: 1 });
  expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${web.url}/nothing/here`)).status).toBe(404);

  const response = await fetch(`${web.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();

  expect(sample(text, 'leakwatch_posts_read_total{source="hackernews"}')).toBe(1);
  expect(sample(text, 'leakwatch_references_total{source="hackernews"}')).toBe(1);
  expect(sample(text, 'leakwatch_leaks_opened_total{source="hackernews"}')).toBe(1);
  expect(sample(text, 'leakwatch_alerts_queued_total{source="hackernews"}')).toBe(2);
  expect(sample(text, 'leakwatch_masking_fallbacks_total{source="hackernews"}')).toBe(0);
  expect(sample(text, 'leakwatch_crawl_duration_seconds_count{source="hackernews"}')).toBe(2);
  expect(sample(text, 'leakwatch_crawl_errors_total{source="hackernews",kind="retryable"}')).toBe(1);
  expect(sample(text, 'leakwatch_messages_sent_total{channel="email"}')).toBe(1);
  expect(sample(text, 'leakwatch_messages_failed_total{channel="webhook"}')).toBe(1);
  expect(sample(text, 'leakwatch_messages_dead_total{channel="webhook"}')).toBe(0);
  expect(sample(text, 'leakwatch_messages_sent_total{channel="webhook"}')).toBe(0);
  // The webhook waits for its retry: not sent, not due yet.
  expect(sample(text, 'leakwatch_outbox_depth{channel="webhook"}')).toBe(1);
  expect(sample(text, 'leakwatch_outbox_due{channel="webhook"}')).toBe(0);
  expect(sample(text, 'leakwatch_outbox_due{channel="email"}')).toBe(0);
  expect(sample(text, 'leakwatch_outbox_oldest_due_age_seconds{channel="email"}')).toBe(0);
  expect(sample(text, 'leakwatch_http_responses_total{status_class="2xx"}')).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'leakwatch_http_responses_total{status_class="4xx"}')).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'leakwatch_enrichments_total{kind="ocr"}')).toBe(0);
  expect(sample(text, 'leakwatch_source_last_success_timestamp_seconds{source="hackernews"}')).toBeGreaterThan(1_700_000_000);
  expect(text).toMatch(/^process_resident_memory_bytes \d+/m);

  // Labels: only source, kind, channel, status_class (and a histogram's le) on leakwatch's own metrics.
  const labelNames = new Set<string>();
  for (const line of text.split('\n').filter((l) => l.startsWith('leakwatch_'))) {
    for (const [, name] of line.matchAll(/[{,]([a-z_]+)="/g)) labelNames.add(name!);
  }
  expect([...labelNames].sort()).toEqual(['channel', 'kind', 'le', 'source', 'status_class']);
  // Nothing that names an organisation, a person, a URL or a meeting, anywhere in the text.
  for (const secret of ['Westfield', 'westfield', '@', '84512397260', 'abcDEF123', 's3cr3t', 'Year 9', '127.0.0.1', 'http://', 'student7']) {
    expect(text, secret).not.toContain(secret);
  }
});
