import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { capturedLogger } from '../support/logger.js';
import { Scheduler } from '../../src/schedule/scheduler.js';

describe('Scheduler', () => {
  it('refuses two jobs with one name', () => {
    const scheduler = new Scheduler(capturedLogger().log);
    scheduler.add({ name: 'housekeeping', cron: '* * * * *', run() {} });
    expect(() => scheduler.add({ name: 'housekeeping', cron: '0 * * * *', run() {} })).toThrow('a job named "housekeeping" is already scheduled');
  });

  it('logs a failing job instead of crashing, with its name', async () => {
    const { log, entries } = capturedLogger();
    const scheduler = new Scheduler(log).add({
      name: 'reddit',
      cron: '* * * * *',
      run() {
        throw new Error('HTTP 503 from www.reddit.com');
      },
    });
    await scheduler.runNow('reddit');
    expect(entries().find((l) => l.msg === 'job failed')).toMatchObject({ job: 'reddit', err: { message: 'HTTP 503 from www.reddit.com' } });
  });

  it('fires jobs on their cron expression', async () => {
    const scheduler = new Scheduler(capturedLogger().log);
    let runs = 0;
    scheduler.add({ name: 'every-second', cron: '* * * * * *', run: () => void runs++ });
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 2200));
    await scheduler.stop();
    expect(runs).toBeGreaterThanOrEqual(1);
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(runs).toBe(after);
  });

  it('on stop aborts the running job and waits for it to return', async () => {
    const scheduler = new Scheduler(capturedLogger().log);
    let finished = false;
    let sawAbort = false;
    scheduler.add({
      name: 'slow-crawl',
      cron: '0 0 1 1 *',
      async run(signal) {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        sawAbort = signal.aborted;
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished = true;
      },
    });
    scheduler.start();
    const run = scheduler.runNow('slow-crawl');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await scheduler.stop();
    expect(sawAbort).toBe(true);
    expect(finished).toBe(true);
    await run;
  });
});

describe('a job failing on the database', () => {
  it('is logged as one line saying what to do, without a stack trace', async () => {
    const { log, entries } = capturedLogger();
    const db = new Database(':memory:');
    db.pragma('max_page_count = 1');
    const scheduler = new Scheduler(log).add({
      name: 'housekeeping',
      cron: '0 0 1 1 *',
      run() {
        db.exec('CREATE TABLE grows (x TEXT)');
        db.prepare('INSERT INTO grows VALUES (?)').run('x'.repeat(10_000));
      },
    });
    await scheduler.runNow('housekeeping');
    db.close();
    const failed = entries().find((l) => String(l.msg).startsWith('job failed'))!;
    expect(failed).toMatchObject({ job: 'housekeeping', error: expect.stringMatching(/cannot grow: the disk is full \(SQLITE_FULL/) });
    expect(failed).not.toHaveProperty('err');
  });
});
