import { expect, it } from 'vitest';
import { cronIntervalMs } from '../../src/schedule/cron-interval.js';

const MINUTE = 60_000;

it('is the longest gap between the next runs of a cron expression', () => {
  expect(cronIntervalMs('*/15 * * * *')).toBe(15 * MINUTE);
  expect(cronIntervalMs('0 */6 * * *')).toBe(360 * MINUTE);
  expect(cronIntervalMs('17 3 * * *')).toBe(1440 * MINUTE);
  expect(cronIntervalMs('*/30 * * * * *')).toBe(MINUTE / 2);
  // Twice each weekday: an hour apart, then overnight, then a weekend; the weekend is what a source may wait.
  expect(cronIntervalMs('0 9,10 * * 1-5')).toBe((3 * 24 - 1) * 60 * MINUTE);
});
