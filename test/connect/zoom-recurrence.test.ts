import fc from 'fast-check';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { zoomRecurrenceToRrule } from '../../src/connect/zoom.js';

describe('Zoom recurrence as an RRULE', () => {
  it('is an RRULE iCalendar readers accept, or null, whatever Zoom sends', () => {
    const recurrence = fc.record(
      {
        type: fc.integer({ min: -2, max: 5 }),
        repeat_interval: fc.integer({ min: 1, max: 99 }),
        weekly_days: fc.oneof(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 7 }).map((days) => days.join(',')), fc.string()),
        monthly_day: fc.integer({ min: -3, max: 40 }),
        monthly_week: fc.integer({ min: -2, max: 6 }),
        monthly_week_day: fc.integer({ min: 0, max: 9 }),
        end_times: fc.integer({ min: 1, max: 365 }),
        end_date_time: fc.oneof(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(recurrence, (value) => {
        const rule = zoomRecurrenceToRrule(value);
        if (rule === null) return;
        expect(rule).toMatch(/^FREQ=(DAILY|WEEKLY|MONTHLY)(;[A-Z]+=[-+0-9A-Z,]+)*$/);
        expect(ICAL.Recur.fromString(rule).freq).toBe(rule.slice(5).split(';')[0]);
      }),
      { numRuns: 500 },
    );
  });
});
