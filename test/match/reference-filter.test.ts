import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReferenceFilter } from '../../src/match/reference-filter.js';
import { openDatabase } from '../../src/store/database.js';
import { tempStore, type TestStore } from '../support/store.js';

let store: TestStore;
beforeEach(() => (store = tempStore()));
afterEach(() => store.cleanup());

describe('ReferenceFilter', () => {
  it('never says "certainly not" about a registered meeting, and stays selective as registrations grow far past its first size', () => {
    // A fresh connection, so this test decides the filter's first size: room for about 7,000 entries.
    const db = openDatabase(store.path);
    const filter = ReferenceFilter.for(db, { minBits: 1 << 16 });
    db.prepare('INSERT INTO organisations (id, name) VALUES (1, ?)').run('Westfield');
    const insert = db.prepare("INSERT INTO meetings (org_id, platform, meeting_id, owner_email) VALUES (1, 'zoom', ?, 't@westfield.example')");
    const registered = Array.from({ length: 60_000 }, (_, i) => String(80_000_000_000 + i * 7));
    db.transaction(() => {
      for (const id of registered) {
        insert.run(id);
        filter.addMeeting('zoom', id);
      }
    })();
    expect(registered.every((id) => filter.mayHaveMeeting('zoom', id))).toBe(true);
    // Sized for an empty database, a filter that never grew would now answer "maybe" to nearly everything.
    let maybes = 0;
    for (let i = 0; i < 20_000; i++) if (filter.mayHaveMeeting('zoom', String(90_000_000_000 + i))) maybes++;
    expect(maybes / 20_000).toBeLessThan(0.03);
    db.close();
  });
});
