import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compose } from '../../src/notify/compose.js';
import { LinkMaker, linkKey } from '../../src/notify/links.js';
import { listOutbox } from '../../src/notify/outbox.js';
import { school, tempStore, type TestStore } from '../support/store.js';

let store: TestStore;
beforeEach(() => {
  store = tempStore();
});
afterEach(() => store.cleanup());

const SEEN = new Date('2026-09-14T12:00:00Z');

/** The organiser's alert email for a leak of a meeting registered with `recurrence`, as composed at `now`. */
function alertText(recurrence: string, now: Date): string {
  const org = school(store, 'Westfield High', 'westfield.example');
  store.registration.addMeeting(
    { orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example', title: 'Year 9 Maths', startsAt: '2026-09-07T08:00:00Z', endsAt: '2026-09-07T09:00:00Z', recurrence },
    'test',
    SEEN,
  );
  store.matcher.ingestPage([{ source: 'reddit', sourceId: '1', url: 'https://reddit.example/1', author: 'a', createdAt: SEEN.toISOString(), text: 'zoom.us/j/84512397260' }], { now: SEEN });
  const row = listOutbox(store.db).find((r) => r.kind === 'alert' && r.recipient === 'teacher@westfield.example');
  expect(row).toBeDefined();
  const links = new LinkMaker(linkKey(store.db, 'test-secret'), 'https://leakwatch.test', 72);
  const composed = compose({ db: store.db, links, now }, row!);
  if (!('channel' in composed) || composed.channel !== 'email') throw new Error(`expected an email, got ${JSON.stringify(composed)}`);
  return composed.email.text;
}

describe('the alert email says "recurring" as severity does', () => {
  it('for a series that goes on', () => {
    expect(alertText('FREQ=WEEKLY;BYDAY=MO', SEEN)).toContain('Year 9 Maths (recurring: the same link works for every session)');
  });

  it('not for a series whose COUNT ran out before the email went', () => {
    // Live when the leak was seen (its fourth and last session is on 28 September); over by the time the email is composed.
    // (The leak's reasons, from when it was seen, still say it was recurring then.)
    const text = alertText('FREQ=WEEKLY;BYDAY=MO;COUNT=4', new Date('2026-10-01T12:00:00Z'));
    expect(text).toContain('Year 9 Maths');
    expect(text).not.toContain('Year 9 Maths (recurring');
  });
});
