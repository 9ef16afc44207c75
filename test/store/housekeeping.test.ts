import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from '../../src/store/database.js';
import { runHousekeeping } from '../../src/store/housekeeping.js';
import { tempDir } from '../support/cli.js';

let db: Db;
let cleanup: () => void;
beforeEach(() => {
  const temp = tempDir();
  cleanup = temp.cleanup;
  db = openDatabase(join(temp.dir, 'h.db'));
  migrate(db);
});
afterEach(() => {
  db.close();
  cleanup();
});

it('deletes posts past retention with their sightings, keeping leaks and their audit trail', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const org = db.prepare("INSERT INTO organisations (name) VALUES ('Westfield') RETURNING id").pluck().get();
  const post = db.prepare(
    "INSERT INTO posts (source, source_id, fetched_at, text) VALUES ('reddit', ?, ?, 'zoom.us/j/84512397260') RETURNING id",
  );
  const oldPost = post.pluck().get('old', '2026-01-01T00:00:00.000Z');
  const newPost = post.pluck().get('new', '2026-05-30T00:00:00.000Z');
  const sighting = db.prepare(
    "INSERT INTO sightings (post_id, platform, meeting_id, span_start, span_end, seen_at) VALUES (?, 'zoom', '84512397260', 0, 21, ?) RETURNING id",
  );
  const oldSighting = sighting.pluck().get(oldPost, '2026-01-01T00:00:00.000Z');
  sighting.pluck().get(newPost, '2026-05-30T00:00:00.000Z');
  const leak = db.prepare(
    "INSERT INTO leaks (org_id, platform, meeting_id, match_kind, severity, first_seen, last_seen) VALUES (?, 'zoom', '84512397260', 'meeting', 'high', '2026-01-01', '2026-05-30') RETURNING id",
  ).pluck().get(org);
  db.prepare('INSERT INTO leak_sightings (leak_id, sighting_id) VALUES (?, ?)').run(leak, oldSighting);
  db.prepare("INSERT INTO leak_events (leak_id, at, actor, event) VALUES (?, '2026-01-01', 'matcher', 'opened')").run(leak);

  const result = runHousekeeping(db, { postsMaxAgeDays: 90, now });

  expect(result).toEqual({ postsDeleted: 1, walCheckpointed: true });
  expect(db.prepare('SELECT source_id FROM posts').pluck().all()).toEqual(['new']);
  expect(db.prepare('SELECT count(*) FROM sightings').pluck().get()).toBe(1);
  expect(db.prepare('SELECT count(*) FROM leak_sightings').pluck().get()).toBe(0);
  expect(db.prepare('SELECT count(*) FROM leaks').pluck().get()).toBe(1);
  expect(db.prepare('SELECT count(*) FROM leak_events').pluck().get()).toBe(1);
});
