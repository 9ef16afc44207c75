/**
 * Meetings from calendars on the dashboard: an iCalendar export imported as
 * a CSV file is, and a feed subscribed (its address checked as every URL a
 * person gives; only its host ever shown), listed and ended.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { listMeetings } from '../../src/registry/meetings.js';
import { school, tempStore, type TestStore } from '../support/store.js';
import { dashboardApp, signedIn, type TestWeb } from '../support/web.js';

let store: TestStore;
let web: TestWeb;
let orgId: number;

beforeEach(() => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  web = dashboardApp(store);
});
afterEach(() => store.cleanup());

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Westfield//Timetable//EN',
  'BEGIN:VEVENT',
  'UID:maths-7b@westfield.example',
  'DTSTART:20260915T090000Z',
  'DTEND:20260915T100000Z',
  'SUMMARY:Maths 7B',
  'LOCATION:https://westfield.zoom.us/j/84512397260?pwd=abcDEF123',
  'ORGANIZER:mailto:maths@westfield.example',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

it('imports an iCalendar export through the import form: its event with a meeting link, the passcode not kept', async () => {
  const admin = await signedIn(web, store, 'it@westfield.example');
  await admin.get(`/orgs/${orgId}/meetings`);
  const imported = await admin.post(`/orgs/${orgId}/meetings/import`, { csv: ICS });
  expect(imported.status).toBe(200);
  expect(imported.body).toContain('1 meeting(s) added');
  expect(listMeetings(store.db, orgId)).toMatchObject([{ meetingId: '84512397260', title: 'Maths 7B', ownerEmail: 'maths@westfield.example' }]);
  expect(imported.body).not.toContain('abcDEF123');
  // A broken calendar imports nothing and says why.
  const broken = await admin.post(`/orgs/${orgId}/meetings/import`, { csv: 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n' });
  expect(broken.status).toBe(400);
  expect(broken.body).toContain('not a valid iCalendar file');
});

it('subscribes a feed showing only its host, refuses a private address, and ends it with its meetings', async () => {
  const admin = await signedIn(web, store, 'it@westfield.example');
  await admin.get(`/orgs/${orgId}/meetings`);
  const refused = await admin.post(`/orgs/${orgId}/feeds`, { url: 'http://127.0.0.1:8080/calendar.ics' });
  expect(refused.status).toBe(400);
  expect(store.db.prepare('SELECT count(*) FROM calendar_feeds').pluck().get()).toBe(0);

  const subscribed = await admin.post(`/orgs/${orgId}/feeds`, { url: 'webcal://calendar.westfield.example/private/8f3k2s9d/basic.ics' });
  expect(subscribed.status).toBe(200);
  expect(subscribed.body).toContain('<td>calendar.westfield.example</td>');
  expect(subscribed.body).not.toContain('8f3k2s9d');
  expect(subscribed.body).toContain('not yet');
  const feedId = store.db.prepare('SELECT id FROM calendar_feeds').pluck().get() as number;
  const again = await admin.post(`/orgs/${orgId}/feeds`, { url: 'https://calendar.westfield.example/private/8f3k2s9d/basic.ics' });
  expect(again.status).toBe(400);

  const removed = await admin.post(`/orgs/${orgId}/feeds/${feedId}/remove`);
  expect(removed.body).toContain('Feed removed, with its 0 meeting(s).');
  expect(store.db.prepare('SELECT count(*) FROM calendar_feeds').pluck().get()).toBe(0);
  expect((await admin.post(`/orgs/${orgId}/feeds/${feedId}/remove`)).status).toBe(404);
});
