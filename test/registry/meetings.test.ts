import { describe, expect, it } from 'vitest';
import { prepareMeeting } from '../../src/registry/meetings.js';

const base = { orgId: 1, platform: 'zoom', meetingId: '845 1239 7260', ownerEmail: 'Teacher@Westfield.Example' };

describe('prepareMeeting', () => {
  it('stores times in UTC with milliseconds, whatever ISO form they came in', () => {
    const times = (startsAt: string, endsAt: string) => {
      const { row } = prepareMeeting({ ...base, startsAt, endsAt });
      return [row.startsAt, row.endsAt];
    };
    expect(times('2026-09-01T13:00:00Z', '2026-09-01T14:00:00.250Z')).toEqual(['2026-09-01T13:00:00.000Z', '2026-09-01T14:00:00.250Z']);
    expect(times('2026-09-01T09:00:00-04:00', '2026-09-01T15:30:00+02:00')).toEqual(['2026-09-01T13:00:00.000Z', '2026-09-01T13:30:00.000Z']);
    expect(times('2024-02-29T10:00:00Z', '2024-02-29T11:00:00Z')).toEqual(['2024-02-29T10:00:00.000Z', '2024-02-29T11:00:00.000Z']);
  });

  it.each(['2026-02-29T10:00:00Z', '2026-04-31T09:00:00+01:00', '2026-13-01T00:00:00Z', 'next tuesday'])('refuses %s instead of rolling it over', (startsAt) => {
    expect(() => prepareMeeting({ ...base, startsAt })).toThrow(/meeting start "[^"]+" is not (a real date|an ISO-8601)/);
  });

  it('normalises the owner address, with punycode for an internationalised domain', () => {
    expect(prepareMeeting(base).row.ownerEmail).toBe('teacher@westfield.example');
    expect(prepareMeeting({ ...base, ownerEmail: 'lehrer@schüle.example' }).row.ownerEmail).toBe('lehrer@xn--schle-mva.example');
    expect(() => prepareMeeting({ ...base, ownerEmail: 'nobody@' })).toThrow(/not a valid owner email address/);
  });
});
