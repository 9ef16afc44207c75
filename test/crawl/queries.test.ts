import { afterEach, beforeEach, expect, it } from 'vitest';
import { searchQueries } from '../../src/crawl/queries.js';
import { addIdentifier, verifyManually } from '../../src/registry/identifiers.js';
import { school, tempStore, VERIFICATION, type TestStore } from '../support/store.js';

let store: TestStore;
beforeEach(() => (store = tempStore()));
afterEach(() => store.cleanup());

it('adds the verified hosts of registered organisations to the configured queries, never unverified ones', () => {
  const westfield = school(store, 'Westfield High School', 'westfield.example');
  addIdentifier(store.db, { orgId: westfield, kind: 'zoom-subdomain', value: 'westfield' }, VERIFICATION, 'test');
  verifyManually(store.db, { orgId: westfield, value: 'westfield' }, 'test', store.registration.onVerified);
  addIdentifier(store.db, { orgId: westfield, kind: 'webex-site', value: 'westfield-pending' }, VERIFICATION, 'test');
  school(store, 'Lincoln Academy', 'lincoln.example', { verified: false });

  expect(searchQueries(['zoom.us/j', 'zoom code', 'westfield.zoom.us'], store.db)).toEqual(['zoom.us/j', 'zoom code', 'westfield.zoom.us']);
  expect(searchQueries(['zoom code'], store.db)).toEqual(['zoom code', 'westfield.zoom.us']);
});
