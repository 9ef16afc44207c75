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

  it('runs a job again at once while its result asks for it, as one turn: the scheduled runs it overlaps are skipped quietly', async () => {
    const { log, entries } = capturedLogger();
    const scheduler = new Scheduler(log);
    const results = [{ backlog: true }, { backlog: true }, { backlog: false }];
    let runs = 0;
    scheduler.add({
      name: 'crawl:hackernews',
      cron: '* * * * * *',
      async run() {
        await new Promise((resolve) => setTimeout(resolve, 700));
        return results[Math.min(runs++, results.length - 1)];
      },
      again: (result) => (result as { backlog: boolean }).backlog,
    });
    scheduler.start();
    // The first scheduled run, then two more at once for the backlog: about 2.1 s, over two or three scheduled times.
    await new Promise((resolve) => setTimeout(resolve, 3300));
    await scheduler.stop();
    const finished = entries().filter((l) => typeof l.msg === 'string' && l.msg.startsWith('job finished'));
    expect(finished.slice(0, 3)).toMatchObject([
      { msg: 'job finished; running it again now (backlog)', round: 1, again: true },
      { msg: 'job finished; running it again now (backlog)', round: 2, again: true },
      { msg: 'job finished', round: 3, again: false },
    ]);
    // The scheduled times that fell inside the backlog's rounds are not warnings: the job was behind on purpose.
    const skipped = entries().filter((l) => String(l.msg).includes('this scheduled run skipped') || String(l.msg).includes('this run skipped'));
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.filter((l) => l.level === 40)).toEqual([]);
  });

  it('does not run again once stopping, whatever the result asks', async () => {
    const scheduler = new Scheduler(capturedLogger().log);
    let runs = 0;
    scheduler.add({ name: 'crawl:x', cron: '0 0 1 1 *', run: () => ++runs, again: () => true });
    scheduler.start();
    const run = scheduler.runNow('crawl:x');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await scheduler.stop();
    await run;
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
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
