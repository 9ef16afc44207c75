-- Registry and matching (issue: registry and matcher).

-- Bumped each time a resolved leak re-opens, so the re-opened leak alerts again
-- while the outbox still refuses duplicates within one generation.
ALTER TABLE leaks ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
-- How many posts, and on which sources (JSON array), the leak was seen in; kept here because severity needs them on every sighting.
ALTER TABLE leaks ADD COLUMN posts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leaks ADD COLUMN sources TEXT NOT NULL DEFAULT '[]';
-- Whether the passcode seen in posts matches the registered one: 'matches', 'differs', 'unknown' or NULL (none seen).
ALTER TABLE leaks ADD COLUMN passcode_state TEXT;

-- The address a verification link was mailed to, and what the token proves.
ALTER TABLE identifiers ADD COLUMN token_purpose TEXT CHECK (token_purpose IN ('dns', 'email'));
ALTER TABLE identifiers ADD COLUMN token_sent_to TEXT;

-- Which registered meeting a sighting of a leak was matched through.
CREATE INDEX leaks_meeting ON leaks (meeting_ref) WHERE meeting_ref IS NOT NULL;
CREATE INDEX outbox_leak ON outbox (leak_id) WHERE leak_id IS NOT NULL;

-- iCalendar feeds an organisation subscribed to; refreshed on a schedule.
CREATE TABLE calendar_feeds (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  url           TEXT NOT NULL,
  owner_email   TEXT,
  etag          TEXT,
  last_modified TEXT,
  refreshed_at  TEXT,
  last_error    TEXT,
  created_at    TEXT NOT NULL,
  UNIQUE (org_id, url)
) STRICT;

-- What kind of failure a crawl run ended with (retryable, rate-limited, blocked, parse): repeated
-- parse failures mean the site changed its markup.
ALTER TABLE crawl_runs ADD COLUMN error_kind TEXT;
