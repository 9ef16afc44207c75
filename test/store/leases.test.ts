import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLease, describeHolder, holderInfo, leaseHolder, releaseLease, renewLease, withLease } from '../../src/store/leases.js';
import { capturedLogger } from '../support/logger.js';
import { tempStore, type TestStore } from '../support/store.js';

let store: TestStore;
beforeEach(() => {
  store = tempStore();
});
afterEach(() => store.cleanup());

const T0 = new Date('2026-09-01T12:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('named leases', () => {
  it('one holder at a time; the other is told who holds it and until when; an expired lease goes to the next asker', () => {
    const first = leaseHolder();
    const second = leaseHolder();
    expect(acquireLease(store.db, 'crawl:reddit', first, T0, 60_000)).toEqual({ acquired: true });
    expect(acquireLease(store.db, 'crawl:reddit', second, later(59_999), 60_000)).toEqual({
      acquired: false,
      heldBy: { id: first.id, pid: process.pid, host: hostname(), running: true, expiresAt: later(60_000).toISOString() },
    });
    // Another name is another lease.
    expect(acquireLease(store.db, 'crawl:mastodon', second, T0, 60_000)).toEqual({ acquired: true });

    // Renewed, it lasts; not renewed, it is free at its expiry, and its old holder learns it lost it.
    expect(renewLease(store.db, 'crawl:reddit', first, later(30_000), 60_000)).toBe(true);
    expect(acquireLease(store.db, 'crawl:reddit', second, later(89_999), 60_000).acquired).toBe(false);
    expect(acquireLease(store.db, 'crawl:reddit', second, later(90_000), 60_000)).toEqual({ acquired: true });
    expect(renewLease(store.db, 'crawl:reddit', first, later(90_001), 60_000)).toBe(false);
    releaseLease(store.db, 'crawl:reddit', first); // not its lease any more: nothing happens
    expect(acquireLease(store.db, 'crawl:reddit', first, later(90_002), 60_000).acquired).toBe(false);

    releaseLease(store.db, 'crawl:reddit', second);
    expect(acquireLease(store.db, 'crawl:reddit', first, later(90_003), 60_000)).toEqual({ acquired: true });
  });

  it('a holder that asks again keeps its lease and renews it', () => {
    const holder = leaseHolder();
    acquireLease(store.db, 'housekeeping', holder, T0, 1000);
    expect(acquireLease(store.db, 'housekeeping', holder, later(900), 1000)).toEqual({ acquired: true });
    expect(store.db.prepare('SELECT acquired_at, expires_at FROM leases').get()).toEqual({ acquired_at: T0.toISOString(), expires_at: later(1900).toISOString() });
  });

  it('tells a holder whose process has ended on this machine from one that runs, and from another machine\'s', () => {
    const ended = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const pid = Number(ended.stdout.trim());
    expect(describeHolder(holderInfo(`${pid}@${hostname()}/ab12`))).toBe(`pid ${pid} on ${hostname()}, which is no longer running`);
    expect(describeHolder(holderInfo(leaseHolder().id))).toBe(`pid ${process.pid} on ${hostname()} (running)`);
    expect(holderInfo('77@elsewhere.example/ab12')).toEqual({ id: '77@elsewhere.example/ab12', pid: 77, host: 'elsewhere.example', running: null });
    expect(describeHolder(holderInfo(null))).toMatch(/earlier leakwatch/);
  });
});

describe('withLease', () => {
  it('renews the lease while the work runs, past its length, and releases it at the end', async () => {
    const holder = leaseHolder();
    const other = leaseHolder();
    const { log } = capturedLogger();
    let refusedMidway: boolean | null = null;
    const result = await withLease({ db: store.db, name: 'calendar-feeds', holder, ttlMs: 150, log }, async () => {
      await sleep(400); // more than two lease lengths
      refusedMidway = !acquireLease(store.db, 'calendar-feeds', other, new Date(), 150).acquired;
      return 'done';
    });
    expect(result).toEqual({ ran: true, value: 'done' });
    expect(refusedMidway).toBe(true);
    expect(store.db.prepare('SELECT count(*) FROM leases').pluck().get()).toBe(0);
  });

  it('does not run the work while another holder has the lease', async () => {
    const other = leaseHolder();
    acquireLease(store.db, 'crawl:rss', other, new Date(), 60_000);
    let ran = false;
    const result = await withLease({ db: store.db, name: 'crawl:rss', holder: leaseHolder(), ttlMs: 60_000, log: capturedLogger().log }, async () => {
      ran = true;
    });
    expect(ran).toBe(false);
    expect(result).toMatchObject({ ran: false, heldBy: { id: other.id, running: true } });
  });

  it('aborts the work when its lease is lost to another holder', async () => {
    const holder = leaseHolder();
    const { log, entries } = capturedLogger();
    const result = await withLease({ db: store.db, name: 'crawl:rss', holder, ttlMs: 300, log }, async (signal) => {
      // Another worker takes the lease over, as if this one had stalled past its expiry.
      store.db.prepare("UPDATE leases SET holder = '1@elsewhere/ff', expires_at = '2999-01-01T00:00:00.000Z'").run();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      return signal.aborted;
    });
    expect(result).toEqual({ ran: true, value: true });
    expect(entries().find((e) => /lease crawl:rss was lost/.test(String(e.msg)))).toBeDefined();
    // Not released: it is the other holder's now.
    expect(store.db.prepare('SELECT holder FROM leases').pluck().get()).toBe('1@elsewhere/ff');
  });
});
