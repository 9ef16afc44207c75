-- The IANA zone a recurring meeting keeps its wall-clock time in
-- (Europe/London), read from the calendar it was imported from: its
-- sessions are expanded in that zone, so a 09:00 class stays at 09:00 across
-- DST changes. NULL: expanded in UTC, as every meeting was before.
ALTER TABLE meetings ADD COLUMN time_zone TEXT;
