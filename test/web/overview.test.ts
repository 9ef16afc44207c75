/**
 * The overview beside a person's organisations: the sources being read, from
 * the same report as `/healthz` — which work, which are stale or failing, and
 * when each last read — with nothing of any organisation in it.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { HealthCheck } from '../../src/web/health.js';
import { school, tempStore, type TestStore } from '../support/store.js';
import { DEFAULTS, dashboardApp, signedIn } from '../support/web.js';
import { FakeClock } from '../support/notify.js';

let store: TestStore;
beforeEach(() => {
  store = tempStore();
  school(store, 'Westfield High', 'westfield.example');
});
afterEach(() => store.cleanup());

it('shows each enabled source with its state and last read, and what needs attention', async () => {
  const clock = new FakeClock('2026-09-01T12:00:00.000Z');
  const run = store.db.prepare('INSERT INTO crawl_runs (source, started_at, finished_at, status, error_kind) VALUES (?, ?, ?, ?, ?)');
  run.run('reddit', '2026-09-01T11:50:00.000Z', '2026-09-01T11:50:05.000Z', 'succeeded', null);
  run.run('hackernews', '2026-09-01T11:55:00.000Z', '2026-09-01T11:55:02.000Z', 'failed', 'rate-limited');
  const health = new HealthCheck({ db: store.db, config: DEFAULTS, secrets: {}, startedAt: new Date('2026-09-01T06:00:00.000Z'), quickCheck: null, clock: clock.read });
  const web = dashboardApp(store, { clock, health });
  const browser = await signedIn(web, store, 'it@westfield.example');
  const { body } = await browser.get('/');
  expect(body).toContain('<h2>Sources</h2>');
  expect(body).toMatch(/<td>reddit<\/td><td>succeeded<\/td><td>2026-09-01 11:50<\/td>/);
  expect(body).toMatch(/<td>hackernews<\/td><td>failed, stale<\/td><td>never<\/td><td>rate-limited<\/td>/);
  expect(body).toContain('Needs attention');
  // Sources disabled by default are not listed.
  expect(body).not.toMatch(/<td>x<\/td>/);
});
