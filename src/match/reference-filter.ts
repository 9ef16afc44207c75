import type { Db } from '../store/database.js';

/**
 * A Bloom filter of everything a reference can match without reading the
 * post: registered meetings (platform, id) and verified identifiers (kind,
 * value). Most references in public posts belong to nobody who registered;
 * the filter answers "certainly not registered" from memory, so the
 * database is asked only about the rest.
 *
 * A Bloom filter has no false negatives, so no leak is missed because of it.
 * It must see every addition: this process's registrations tell it (see
 * {@link ReferenceFilter.addMeeting}); another process's writes change
 * SQLite's `data_version`, and the filter is rebuilt. Removals need nothing:
 * a stale entry only costs a database lookup.
 */
export class ReferenceFilter {
  static #byDb = new WeakMap<Db, ReferenceFilter>();

  /**
   * The one filter of a connection, shared by every matcher on it. `minBits`
   * (default 2^25, 4 MiB) applies when it is first made.
   */
  static for(db: Db, options: { minBits?: number } = {}): ReferenceFilter {
    let filter = ReferenceFilter.#byDb.get(db);
    if (!filter) {
      filter = new ReferenceFilter(db, options.minBits ?? DEFAULT_MIN_BITS);
      ReferenceFilter.#byDb.set(db, filter);
    }
    return filter;
  }

  #db: Db;
  #bits = new Uint32Array(0);
  #mask = 0;
  #dataVersion = -1;
  /** Entries the filter holds, and how many it was sized for (about 1% false positives at that many). */
  #entries = 0;
  #capacity = 0;
  #stale = false;
  readonly #minBits: number;

  private constructor(db: Db, minBits: number) {
    this.#db = db;
    this.#minBits = nextPowerOfTwo(minBits);
    this.#rebuild();
  }

  /** Whether a meeting may be registered by someone (false: certainly not). */
  mayHaveMeeting(platform: string, meetingId: string): boolean {
    return this.#has(`m\u0000${platform}\u0000${meetingId}`);
  }

  /** Whether an identifier may be verified by someone (false: certainly not). */
  mayHaveIdentifier(kind: string, value: string): boolean {
    return this.#has(`i\u0000${kind}\u0000${value}`);
  }

  addMeeting(platform: string, meetingId: string): void {
    this.#add(`m\u0000${platform}\u0000${meetingId}`);
  }

  addIdentifier(kind: string, value: string): void {
    this.#add(`i\u0000${kind}\u0000${value}`);
  }

  /** Rebuilds the filter if another connection wrote to the database; call once per page. */
  refreshIfChangedElsewhere(): void {
    if ((this.#db.pragma('data_version', { simple: true }) as number) !== this.#dataVersion) this.#rebuild();
  }

  #rebuild(): void {
    this.#dataVersion = this.#db.pragma('data_version', { simple: true }) as number;
    const meetings = this.#db.prepare('SELECT count(*) FROM meetings').pluck().get() as number;
    const identifiers = this.#db.prepare("SELECT count(*) FROM identifiers WHERE status = 'verified'").pluck().get() as number;
    // About 1% false positives at twice today's size, so registrations can grow before the next rebuild.
    const bits = Math.max(this.#minBits, nextPowerOfTwo(Math.ceil((meetings + identifiers) * 2 * 9.6)));
    this.#bits = new Uint32Array(bits / 32);
    this.#mask = bits - 1;
    this.#capacity = Math.floor(bits / 9.6);
    this.#entries = 0;
    this.#stale = false;
    for (const row of this.#db.prepare('SELECT platform, meeting_id FROM meetings').raw().iterate() as Iterable<[string, string]>) {
      this.addMeeting(row[0], row[1]);
    }
    for (const row of this.#db.prepare("SELECT kind, value FROM identifiers WHERE status = 'verified'").raw().iterate() as Iterable<[string, string]>) {
      this.addIdentifier(row[0], row[1]);
    }
  }

  #add(key: string): void {
    // Past its capacity a filter answers "maybe" more and more often; it is rebuilt, twice as
    // large, before the next question (it reads the registrations, which include this one).
    if (++this.#entries > this.#capacity) this.#stale = true;
    const [h1, h2] = hashes(key);
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * h2) & this.#mask;
      this.#bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  #has(key: string): boolean {
    if (this.#stale) this.#rebuild();
    const [h1, h2] = hashes(key);
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * h2) & this.#mask;
      if ((this.#bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

const HASHES = 7;
/**
 * 4 MiB: room for 3.5 million entries at about 1% false positives, so even a
 * large import into a new installation needs no rebuild (which reads every
 * registration again).
 */
const DEFAULT_MIN_BITS = 1 << 25;

/** Two independent 32-bit hashes (FNV-1a and a multiplicative variant) for double hashing. */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, (b >>> 0) | 1];
}

function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(2, n)));
}
