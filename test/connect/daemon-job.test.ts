import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnection, getConnection } from '../../src/connect/connections.js';
import { loadConfig } from '../../src/config/load.js';
import { buildScheduler } from '../../src/schedule/daemon.js';
import { capturedLogger } from '../support/logger.js';
import { school, type TestStore, tempStore } from '../support/store.js';
import { seedSchool, startZoomServer, type ZoomServer } from '../support/zoom-server.js';

let store: TestStore;
let zoom: ZoomServer;

beforeEach(async () => {
  store = tempStore();
  zoom = await startZoomServer();
  seedSchool(zoom);
});
afterEach(async () => {
  await zoom.close();
  store.cleanup();
});

describe('the connections job of leakwatch run', () => {
  it('synchronises every connection on connections.cron, reusing its token between runs', async () => {
    const key = randomBytes(32);
    const file = join(store.path, '..', 'config.json');
    writeFileSync(file, JSON.stringify({ http: { allowPrivateHosts: true }, connections: { cron: '0 4 * * *', zoom: { oauthUrl: zoom.url, apiUrl: zoom.url } } }));
    const { config } = loadConfig({ file, env: {} });
    const orgId = school(store, 'Westfield High', 'westfield.example');
    const { accountId, clientId, clientSecret } = zoom.account;
    const id = createConnection(store.db, { orgId, provider: 'zoom', accountId, clientId, secret: clientSecret, scopes: [], writeOptIn: false }, key, 'test').id;
    const captured = capturedLogger();
    const scheduler = buildScheduler({ config, secrets: { secretKey: key.toString('hex') }, db: store.db, log: captured.log }, store.matcher, store.registration);
    expect(scheduler.jobNames).toContain('connections');
    await scheduler.runNow('connections');
    await scheduler.runNow('connections');
    expect(getConnection(store.db, id)).toMatchObject({ status: 'ok', meetings: 4 });
    expect(zoom.issued).toHaveLength(1);
    const finished = captured.entries().filter((e) => e.job === 'connections' && e.msg === 'job finished');
    expect(finished.map((e) => e.result)).toEqual([{ ok: 1, failed: 0, revoked: 0 }, { ok: 1, failed: 0, revoked: 0 }]);
    await scheduler.stop();
  });

  it('without the key, each connection records why it cannot sync', async () => {
    const { config } = loadConfig({ env: {} });
    const orgId = school(store, 'Westfield High', 'westfield.example');
    const id = createConnection(store.db, { orgId, provider: 'zoom', accountId: 'a', clientId: 'c', secret: 's', scopes: [], writeOptIn: false }, randomBytes(32), 'test').id;
    const scheduler = buildScheduler({ config, secrets: {}, db: store.db, log: capturedLogger().log }, store.matcher, store.registration);
    await scheduler.runNow('connections');
    expect(getConnection(store.db, id)).toMatchObject({ status: 'failing', lastError: expect.stringContaining('LEAKWATCH_SECRET_KEY is not set') });
    await scheduler.stop();
  });
});
