-- Sessions of a recurring meeting that do not take place: the calendar's
-- EXDATEs, its cancelled instances, a platform's deleted occurrences. A JSON
-- array of ISO-8601 UTC start times, sorted; NULL when none. The next
-- session and the series' end skip them.
ALTER TABLE meetings ADD COLUMN excluded_starts TEXT;
