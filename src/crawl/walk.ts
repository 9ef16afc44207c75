import type { Logger } from '../logger.js';
import { ParseError } from './errors.js';

/**
 * Where a post sits in a listing read newest first: the time the listing
 * orders by (epoch ms) and the source's id, compared time first, then id.
 * `at` is null for a listing ordered by its ids alone (Telegram messages,
 * Discourse posts), which are then compared by id only.
 */
export interface Mark {
  at: number | null;
  id: string;
}

/** What a scope's cursor says; stored as JSON by {@link Walk}. */
export interface WalkCursor {
  /** Every post at or below this mark has been read: the newest post of the last walk that reached its end. Null before the first walk. */
  read: Mark | null;
  /**
   * A walk cut short (by the page cap or a failure) that the next run
   * continues: it began at `newest` and has read everything down to
   * `oldest`; `next` is the source's own paging token for the page after.
   */
  walk: { newest: Mark; oldest: Mark; next: string | null } | null;
}

/** One request of a walk, as the crawler should make it. */
export interface WalkRequest {
  /** Read from the newest post (null), or the posts at or below this mark (the walk's next page, or one a walk stopped at). */
  below: Mark | null;
  /** The paging token the source gave with the previous page of this walk, if it gave one. */
  next: string | null;
  /** The walk was stored by an earlier run and this is its first page now: a token of the source may have gone stale. */
  resumed: boolean;
  /** What was read before: the walk ends at it. */
  floor: Mark | null;
  /** The oldest time (ms) still worth asking for, the floor less the overlap; null when the walk has no floor or no time. */
  sinceMs: number | null;
}

/** What the crawler tells of an answer besides its items. */
export interface WalkAnswer {
  /** The listing has older posts after this page. */
  more: boolean;
  /** The token for the page after this one, when the source pages by token rather than by the walk's marks. */
  next?: string | null;
  /** The source was asked only for posts from `sinceMs` (or above `floor`) on, so the listing's end is the floor. */
  bounded?: boolean;
}

export interface WalkOptions<T> {
  /** The scope the cursor belongs to (in logs and errors). */
  scope: string;
  /** The stored cursor: a walk cursor, or an older format that `legacy` reads. */
  stored: string | null;
  /** Requests per scope per run. */
  maxPages: number;
  /**
   * How far (ms of `at`) below the floor a walk goes on reading, for posts
   * that reach the listing after newer ones were read (indexing delays,
   * federation, the same second as the floor). They are read again; stored
   * posts are skipped by their unique keys. 0 for listings ordered by id.
   */
  overlapMs: number;
  mark(item: T): Mark;
  /** Items a listing puts first whatever their age (pinned posts): read, but they neither end a walk nor mark its place. */
  pinned?(item: T): boolean;
  /** Reads a cursor stored in the crawler's format before walk cursors: the mark of what it had read, or null when it cannot. */
  legacy?(stored: string): Mark | null;
  /** How many posts lie strictly between two marks, when the source's ids number them (a gap's size in posts). */
  between?(after: Mark, before: Mark): number;
  log: Logger;
  /** Epoch ms now (tests). */
  now?: () => number;
}

interface Current {
  newest: Mark | null;
  oldest: Mark | null;
  next: string | null;
  /** Stored by an earlier run, and no page of it read yet in this one. */
  resumed: boolean;
  /** Begun at the newest post in this run: its newest mark is what it reads, not what a stored walk began at. */
  fromHead: boolean;
}

/**
 * The one resume rule of every listing read newest first (DESIGN.md §6: a
 * crawler never skips).
 *
 * A walk starts at the newest post and pages back until it reaches what was
 * read before (`read`, less `overlapMs`) or the listing ends. Every page
 * carries the cursor as it stands after it: when the page cap (or a failure)
 * stops a walk before its end, the cursor keeps the floor it was walking
 * down to and the window it has read (`newest` at its start, `oldest` where
 * it stopped), so the next run first goes on below `oldest` down to the
 * floor, then, with the pages left, starts a new walk from the newest down
 * to the first walk's `newest`. The floor moves up only when a walk reaches
 * it, so no post between two runs is passed over.
 *
 * A listing that ends before the floor (a source that cannot page back so
 * far) leaves a gap that no later run can read: it is logged once, with its
 * size, and the floor moves on. The first walk of a scope has no floor: it
 * reads at most one run of pages back from the newest, where the scope
 * starts.
 */
export class Walk<T> {
  readonly #options: WalkOptions<T>;
  #read: Mark | null;
  #current: Current | null;
  #stored: string | null;
  #request: WalkRequest | null = null;
  #headStarted = false;
  #pages = 0;
  #done = false;

  constructor(options: WalkOptions<T>) {
    this.#options = options;
    this.#stored = options.stored;
    const cursor = parseCursor(options);
    this.#read = cursor.read;
    this.#current = cursor.walk ? { ...cursor.walk, resumed: true, fromHead: false } : null;
  }

  /** The next request to make, or null when this run's walk of the scope is over. */
  request(): WalkRequest | null {
    if (this.#done || this.#pages >= this.#options.maxPages) return (this.#request = null);
    if (this.#current === null) {
      if (this.#headStarted) return (this.#request = null);
      this.#headStarted = true;
      this.#current = { newest: null, oldest: null, next: null, resumed: false, fromHead: true };
    }
    const { oldest, next, resumed } = this.#current;
    return (this.#request = { below: oldest, next, resumed, floor: this.#read, sinceMs: this.#sinceMs() });
  }

  /**
   * Reads the answer to the last request: the items to make posts of (those
   * below the floor's window dropped) and the cursor to store with them, or
   * null when it has not changed.
   */
  read(items: readonly T[], answer: WalkAnswer): { items: T[]; cursor: string | null } {
    const request = this.#request;
    const current = this.#current;
    if (request === null || current === null) throw new Error(`${this.#options.scope}: an answer read without a request`);
    this.#request = null;
    this.#pages++;
    const kept: T[] = [];
    // Reaching the floor ends the gap check; passing below its overlap ends the walk.
    let touched = false;
    let reached = false;
    let unpinned = 0;
    let older = 0;
    for (const item of items) {
      const pinned = this.#options.pinned?.(item) ?? false;
      const mark = this.#options.mark(item);
      if (!pinned && this.#read !== null && compareMarks(mark, this.#read) <= 0) touched = true;
      if (!pinned && this.#belowFloor(mark)) {
        reached = true;
        continue;
      }
      kept.push(item);
      if (pinned) continue;
      unpinned++;
      if (request.below === null || compareMarks(mark, request.below) < 0) older++;
      if (current.fromHead && (current.newest === null || compareMarks(mark, current.newest) > 0)) current.newest = mark;
      if (current.oldest === null || compareMarks(mark, current.oldest) < 0) current.oldest = mark;
    }
    const next = answer.next ?? null;
    if (request.below !== null && next === null && answer.more && !reached && unpinned > 0 && older === 0) {
      throw new ParseError(`${this.#options.scope}: asked for posts below ${describe(request.below)}, the answer held none older; paging back no longer works`);
    }
    current.next = next;
    current.resumed = false;

    const ended = !answer.more || items.length === 0;
    if (reached || ended) {
      if (!touched && this.#read !== null && !answer.bounded && current.oldest !== null) this.#warnGap(current.oldest);
      this.#finish(current);
    } else if (this.#pages >= this.#options.maxPages && this.#read === null) {
      this.#options.log.info({ scope: this.#options.scope, pages: this.#pages }, 'first walk of this scope: it starts here, older posts are not read');
      this.#finish(current);
      this.#done = true;
    }
    return { items: kept, cursor: this.#cursor() };
  }

  #finish(current: Current): void {
    if (current.newest !== null && (this.#read === null || compareMarks(current.newest, this.#read) > 0)) this.#read = current.newest;
    // A first walk that found the listing empty has still read everything there was: the floor is now, so
    // the posts that come later are all read (a backlog resumes) instead of being cut at the first walk.
    else if (current.newest === null && this.#read === null && this.#options.overlapMs > 0) this.#read = { at: this.#options.now?.() ?? Date.now(), id: '' };
    this.#current = null;
  }

  #belowFloor(mark: Mark): boolean {
    const floor = this.#read;
    if (floor === null) return false;
    if (floor.at !== null && mark.at !== null) return mark.at < floor.at - this.#options.overlapMs;
    return compareIds(mark.id, floor.id) <= 0;
  }

  #sinceMs(): number | null {
    return this.#read?.at == null ? null : this.#read.at - this.#options.overlapMs;
  }

  #warnGap(oldest: Mark): void {
    const floor = this.#read!;
    const size: Record<string, number> = {};
    if (floor.at !== null && oldest.at !== null) size.seconds = Math.max(0, Math.round((oldest.at - floor.at) / 1000));
    if (this.#options.between) size.posts = Math.max(0, this.#options.between(floor, oldest));
    this.#options.log.warn(
      { scope: this.#options.scope, after: describe(floor), before: describe(oldest), ...size },
      'the source cannot page back to the stored cursor: the posts between it and the oldest one read are skipped',
    );
  }

  #cursor(): string | null {
    const current = this.#current;
    const walk = current?.newest && current.oldest ? { newest: current.newest, oldest: current.oldest, next: current.next } : null;
    const cursor = formatCursor({ read: this.#read, walk });
    if (cursor === this.#stored || (this.#read === null && walk === null)) return null;
    this.#stored = cursor;
    return cursor;
  }
}

/** Sortable ids (snowflakes, sequence numbers, base36, fixed-length base62) order by length, then character by character. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Time first when both marks have one, then id. */
export function compareMarks(a: Mark, b: Mark): number {
  if (a.at !== null && b.at !== null && a.at !== b.at) return a.at - b.at;
  return compareIds(a.id, b.id);
}

interface StoredMark {
  at: string | null;
  id: string;
}

export function formatCursor(cursor: WalkCursor): string {
  const mark = (m: Mark): StoredMark => ({ at: m.at === null ? null : new Date(m.at).toISOString(), id: m.id });
  return JSON.stringify({
    read: cursor.read && mark(cursor.read),
    walk: cursor.walk && { newest: mark(cursor.walk.newest), oldest: mark(cursor.walk.oldest), next: cursor.walk.next },
  });
}

/** A walk cursor, or a cursor of the crawler's older format read as what it had read; a ParseError when it is neither. */
export function parseCursor(options: Pick<WalkOptions<unknown>, 'stored' | 'legacy' | 'scope'>): WalkCursor {
  const { stored } = options;
  if (stored === null) return { read: null, walk: null };
  const cursor = walkCursorOf(stored);
  if (cursor) return cursor;
  const read = options.legacy?.(stored) ?? null;
  if (read === null) throw new ParseError(`${options.scope}: the stored cursor ${JSON.stringify(stored)} is neither a walk cursor nor of an older format this crawler reads`);
  return { read, walk: null };
}

/** The stored cursor says a walk stopped part-way (its page cap, most often): posts below where it stands wait to be read. */
export function walkUnderway(stored: string | null): boolean {
  return stored !== null && (walkCursorOf(stored)?.walk ?? null) !== null;
}

function walkCursorOf(stored: string): WalkCursor | null {
  if (!stored.startsWith('{')) return null;
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return null;
  }
  const object = value as { read?: unknown; walk?: { newest?: unknown; oldest?: unknown; next?: unknown } | null } | null;
  if (!object || typeof object !== 'object' || !('read' in object) || !('walk' in object)) return null;
  const read = object.read === null ? null : markOf(object.read);
  if (read === undefined) return null;
  if (object.walk === null) return { read, walk: null };
  const newest = markOf(object.walk?.newest);
  const oldest = markOf(object.walk?.oldest);
  const next = object.walk?.next;
  if (!newest || !oldest || (next !== null && typeof next !== 'string')) return null;
  return { read, walk: { newest, oldest, next } };
}

function markOf(value: unknown): Mark | undefined {
  const stored = value as Partial<StoredMark> | null;
  if (!stored || typeof stored !== 'object' || typeof stored.id !== 'string') return undefined;
  if (stored.at === null) return { at: null, id: stored.id };
  const at = typeof stored.at === 'string' ? Date.parse(stored.at) : Number.NaN;
  return Number.isNaN(at) ? undefined : { at, id: stored.id };
}

function describe(mark: Mark): string {
  return mark.at === null ? mark.id : `${new Date(mark.at).toISOString()} ${mark.id}`;
}
