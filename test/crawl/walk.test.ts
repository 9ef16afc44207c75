import { describe, expect, it } from 'vitest';
import { compareIds, compareMarks, formatCursor, parseCursor, Walk, type Mark, type WalkAnswer } from '../../src/crawl/walk.js';
import { createLogger } from '../../src/logger.js';
import { capturedLogger } from '../support/logger.js';

interface Item {
  at: number;
  id: string;
  pinned?: boolean;
}

const PAGE = 10;
const silent = createLogger({ level: 'silent' });

/** A listing newest first (pinned items first), paged by "older than this mark", PAGE items a page. */
function listing(items: Item[]) {
  const sorted = () => [...items].sort((a, b) => Number(!!b.pinned) - Number(!!a.pinned) || compareMarks(b, a));
  return {
    items,
    page(below: Mark | null): { items: Item[]; answer: WalkAnswer } {
      const all = sorted();
      const older = below === null ? all : all.filter((item) => !item.pinned && compareMarks(item, below) < 0);
      const page = older.slice(0, PAGE);
      return { items: page, answer: { more: older.length > PAGE } };
    },
  };
}

/** One run: the pages a crawler would yield, stopping early after `stopAfter` pages as a crash would. */
function run(source: ReturnType<typeof listing>, stored: string | null, options: { maxPages?: number; overlapMs?: number; stopAfter?: number; now?: number; log?: ReturnType<typeof capturedLogger>['log'] } = {}) {
  const walk = new Walk<Item>({
    ...(options.now === undefined ? {} : { now: () => options.now! }),
    scope: 'test',
    stored,
    maxPages: options.maxPages ?? 3,
    overlapMs: options.overlapMs ?? 0,
    mark: (item) => ({ at: item.at, id: item.id }),
    pinned: (item) => item.pinned === true,
    log: options.log ?? silent,
  });
  const read: string[] = [];
  let cursor = stored;
  let pages = 0;
  for (let request = walk.request(); request !== null; request = walk.request()) {
    if (options.stopAfter !== undefined && pages === options.stopAfter) break;
    const { items, answer } = source.page(request.below);
    const page = walk.read(items, answer);
    read.push(...page.items.map((item) => item.id));
    cursor = page.cursor ?? cursor;
    pages++;
  }
  return { read, cursor, pages };
}

const items = (from: number, n: number, step = 1000) => Array.from({ length: n }, (_, i) => ({ at: (from + i) * step, id: String(from + i) }));

/** The posts the cursor says are read (at or below `read`, or inside the walk's window) that were not. */
function passedUnread(cursor: string | null, all: Item[], read: Set<string>): string[] {
  const { read: floor, walk } = parseCursor({ stored: cursor, scope: 'test' });
  return all
    .filter((item) => !item.pinned && !read.has(item.id))
    .filter((item) => (floor !== null && compareMarks(item, floor) <= 0) || (walk !== null && compareMarks(item, walk.oldest) >= 0 && compareMarks(item, walk.newest) <= 0))
    .map((item) => item.id);
}

describe('Walk: the resume rule of newest-first listings', () => {
  it('a scope first read while its listing is empty reads every post that comes later, however many arrive before the next run', () => {
    const source = listing([]);
    let { cursor } = run(source, null, { overlapMs: 5000, now: 50_000 });
    expect(parseCursor({ stored: cursor, scope: 'test' }).read).toEqual({ at: 50_000, id: '' });
    source.items.push(...items(100, 75));
    const read = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const result = run(source, cursor, { overlapMs: 5000 });
      result.read.forEach((id) => read.add(id));
      cursor = result.cursor;
    }
    expect([...read].sort()).toEqual(items(100, 75).map((item) => item.id).sort());
  });

  it('a backlog larger than the page cap is read over several runs, each post once, and the cursor never passes an unread post', () => {
    const source = listing(items(1, 5));
    let { cursor } = run(source, null);
    source.items.push(...items(100, 75));
    const read = new Set(items(1, 5).map((item) => item.id));
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const result = run(source, cursor);
      seen.push(...result.read);
      result.read.forEach((id) => read.add(id));
      cursor = result.cursor;
      expect(passedUnread(cursor, source.items, read)).toEqual([]);
    }
    const backlog = seen.filter((id) => Number(id) >= 100);
    expect([...new Set(backlog)].sort()).toEqual(items(100, 75).map((item) => item.id).sort());
    // Only the post at the floor is read again, by each walk that ends there (the store skips it).
    expect([...new Set(backlog.filter((id, i) => backlog.indexOf(id) !== i))]).toEqual(['174']);
    expect(parseCursor({ stored: cursor, scope: 'test' })).toEqual({ read: { at: 174_000, id: '174' }, walk: null });
  });

  it('a page cut short stores where the walk stopped: the next run goes on below it before reading what is newer', () => {
    const source = listing(items(1, 5));
    let { cursor } = run(source, null);
    source.items.push(...items(100, 40));
    const first = run(source, cursor);
    expect(first.read).toEqual(items(110, 30).map((item) => item.id).reverse());
    expect(parseCursor({ stored: first.cursor, scope: 'test' })).toEqual({
      read: { at: 5000, id: '5' },
      walk: { newest: { at: 139_000, id: '139' }, oldest: { at: 110_000, id: '110' }, next: null },
    });
    // Posts added at the head meanwhile wait until the older ones are read.
    source.items.push(...items(200, 3));
    const second = run(source, first.cursor);
    // The floor's own second is read again (5, then 139): a post of that second may have come late.
    expect(second.read).toEqual([...items(100, 10).map((item) => item.id).reverse(), '5', '202', '201', '200', '139']);
    cursor = second.cursor;
    expect(parseCursor({ stored: cursor, scope: 'test' })).toEqual({ read: { at: 202_000, id: '202' }, walk: null });
  });

  it('a post inserted at the head while the walk pages back is read by the next run', () => {
    const source = listing(items(1, 25));
    const stored = formatCursor({ read: { at: 0, id: '0' }, walk: null });
    const walk = new Walk<Item>({ scope: 'test', stored, maxPages: 5, overlapMs: 0, mark: (item) => item, log: silent });
    let cursor: string | null = null;
    const read: string[] = [];
    for (let request = walk.request(); request !== null; request = walk.request()) {
      const { items, answer } = source.page(request.below);
      if (request.below === null) source.items.push({ at: 50_000, id: '50' });
      const page = walk.read(items, answer);
      read.push(...page.items.map((item) => item.id));
      cursor = page.cursor ?? cursor;
    }
    expect(read).not.toContain('50');
    expect(run(source, cursor).read).toEqual(['50', '25']);
  });

  it('posts of the floor’s own second that arrive later, with lower ids, are read within the overlap', () => {
    const source = listing([{ at: 10_000, id: '900' }]);
    const { cursor } = run(source, formatCursor({ read: { at: 0, id: '' }, walk: null }), { overlapMs: 1000 });
    source.items.push({ at: 10_000, id: '899' }, { at: 9_500, id: '898' }, { at: 8_000, id: '897' });
    // 897 is older than the overlap: it ends the walk. The floor itself is read again, which the store skips.
    expect(run(source, cursor, { overlapMs: 1000 }).read).toEqual(['900', '899', '898']);
  });

  it('a failure mid-walk resumes from the last page committed, not from the newest', () => {
    const source = listing(items(1, 5));
    const { cursor } = run(source, null);
    source.items.push(...items(100, 25));
    const crashed = run(source, cursor, { stopAfter: 2, maxPages: 10 });
    expect(crashed.read).toHaveLength(20);
    const next = run(source, crashed.cursor, { maxPages: 10 });
    expect(next.read).toEqual([...items(100, 5).map((item) => item.id).reverse(), '5', '124']);
  });

  it('a listing that ends before the floor logs the gap once with its size, and moves on', () => {
    const source = listing(items(1, 5));
    const { cursor } = run(source, null);
    // The source forgets everything older than 150.
    source.items.splice(0, source.items.length, ...items(150, 12));
    const { log, entries } = capturedLogger();
    const result = run(source, cursor, { log });
    expect(result.read).toHaveLength(12);
    const warnings = entries().filter((entry) => entry.level === 40);
    expect(warnings).toEqual([expect.objectContaining({ scope: 'test', after: '1970-01-01T00:00:05.000Z 5', before: '1970-01-01T00:02:30.000Z 150', seconds: 145 })]);
    expect(parseCursor({ stored: result.cursor, scope: 'test' })).toEqual({ read: { at: 161_000, id: '161' }, walk: null });
    const again = capturedLogger();
    run(source, result.cursor, { log: again.log });
    expect(again.entries().filter((entry) => entry.level === 40)).toEqual([]);
  });

  it('a listing bounded by the floor ends at it without a gap', () => {
    const { log, entries } = capturedLogger();
    const walk = new Walk<Item>({ scope: 'test', stored: formatCursor({ read: { at: 5000, id: '5' }, walk: null }), maxPages: 3, overlapMs: 0, mark: (item) => item, log });
    expect(walk.request()).toMatchObject({ below: null, floor: { at: 5000, id: '5' }, sinceMs: 5000 });
    const page = walk.read([{ at: 9000, id: '9' }], { more: false, bounded: true });
    expect(parseCursor({ stored: page.cursor, scope: 'test' }).read).toEqual({ at: 9000, id: '9' });
    expect(entries()).toEqual([]);
  });

  it('the first walk of a scope reads one run of pages back and starts there', () => {
    const source = listing(items(1, 100));
    const { log, lines } = capturedLogger();
    const first = run(source, null, { log });
    expect(first.read).toHaveLength(30);
    expect(parseCursor({ stored: first.cursor, scope: 'test' })).toEqual({ read: { at: 100_000, id: '100' }, walk: null });
    expect(lines.join('')).toMatch(/first walk of this scope/);
    expect(run(source, first.cursor).read).toEqual(['100']);
  });

  it('pinned posts are read but neither end the walk nor mark its place', () => {
    const source = listing([{ at: 1000, id: '1' }]);
    const { cursor } = run(source, null);
    source.items.push({ at: 500, id: '0', pinned: true }, ...items(10, 15));
    const result = run(source, cursor);
    expect(result.read).toEqual(['0', ...items(10, 15).map((item) => item.id).reverse(), '1']);
    expect(parseCursor({ stored: result.cursor, scope: 'test' }).read).toEqual({ at: 24_000, id: '24' });
  });

  it('id-ordered listings compare by id alone', () => {
    const page = (below: Mark | null) => {
      const all = [{ at: 0, id: '1000' }, { at: 0, id: '999' }, { at: 0, id: '99' }].filter((item) => below === null || compareIds(item.id, below.id) < 0);
      return { items: all, answer: { more: false } };
    };
    const walk = new Walk<Item>({ scope: 'test', stored: formatCursor({ read: { at: null, id: '99' }, walk: null }), maxPages: 3, overlapMs: 0, mark: (item) => ({ at: null, id: item.id }), log: silent });
    const request = walk.request()!;
    const { items: answered, answer } = page(request.below);
    expect(walk.read(answered, answer).items.map((item) => item.id)).toEqual(['1000', '999']);
  });

  it('reads a cursor of the crawler’s older format, and refuses one it cannot read', () => {
    const legacy = (stored: string) => (/^\d+$/.test(stored) ? { at: Number(stored) * 1000, id: '' } : null);
    expect(parseCursor({ stored: '1790000300', scope: 'test', legacy })).toEqual({ read: { at: 1_790_000_300_000, id: '' }, walk: null });
    expect(() => parseCursor({ stored: 'garbage', scope: 'query:x', legacy })).toThrow(/query:x: the stored cursor "garbage" is neither a walk cursor nor of an older format/);
  });

  it('an answer that does not go older than asked is a parse error, not an endless loop', () => {
    const walk = new Walk<Item>({ scope: 'test', stored: null, maxPages: 5, overlapMs: 0, mark: (item) => item, log: silent });
    walk.request();
    walk.read(items(1, 10), { more: true });
    expect(walk.request()).toMatchObject({ below: { at: 1000, id: '1' } });
    expect(() => walk.read(items(1, 10), { more: true })).toThrow(/asked for posts below 1970-01-01T00:00:01.000Z 1, the answer held none older/);
  });
});
