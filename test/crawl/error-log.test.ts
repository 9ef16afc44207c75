import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { briefCrawlError, crawlErrorKind, loggedErrors } from '../../src/crawl/error-log.js';
import { ParseError, RetryableError } from '../../src/crawl/errors.js';

/** A real SQLITE_FULL: a database that may not grow past its pages. */
function diskFull(): Error {
  const db = new Database(':memory:');
  try {
    db.exec('CREATE TABLE t (x BLOB)');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    db.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(100_000));
  } catch (error) {
    return error as Error;
  } finally {
    db.close();
  }
  throw new Error('the insert should have failed');
}

describe('crawl errors in the log', () => {
  it('names a database failure by its kind and SQLite code, in one line without a stack', () => {
    const error = diskFull();
    expect(crawlErrorKind(error)).toBe('database');
    const logged = loggedErrors();
    const entry = briefCrawlError(logged)(error);
    expect(entry).toEqual({ type: 'SqliteError', kind: 'database', code: 'SQLITE_FULL', message: 'database or disk is full' });
    expect(logged.has(error)).toBe(true);
  });

  it('keeps the stack of an error nobody expected (a bug), and none of an expected one', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    expect(crawlErrorKind(bug)).toBe('other');
    expect(briefCrawlError(loggedErrors())(bug)).toMatchObject({ type: 'TypeError', stack: expect.stringContaining('error-log.test.ts') });
    expect(briefCrawlError(loggedErrors())(new RetryableError('connection reset'))).not.toHaveProperty('stack');
    expect(crawlErrorKind(new ParseError('not JSON'))).toBe('parse');
    // An error that only calls itself SqliteError, without SQLite's code, is not the database's.
    expect(crawlErrorKind(Object.assign(new Error('x'), { name: 'SqliteError' }))).toBe('other');
  });
});
