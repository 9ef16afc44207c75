-- The first schema: who is watched (organisations, identifiers, contacts,
-- meetings), what was seen (posts that carry references, sightings), what it
-- means (leaks, their audit trail), what we owe people (outbox) and where
-- each crawler is (cursors, runs). Times are ISO-8601 UTC text.

-- Installation-wide values generated once (e.g. the key that hashes passcodes seen in posts).
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE organisations (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE UNIQUE INDEX organisations_name ON organisations (name COLLATE NOCASE);

-- People at an organisation: admins get identifier matches and escalations,
-- organisers own meetings.
CREATE TABLE contacts (
  id         INTEGER PRIMARY KEY,
  org_id     INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  email      TEXT NOT NULL COLLATE NOCASE,
  role       TEXT NOT NULL CHECK (role IN ('admin', 'organiser')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (org_id, email, role)
) STRICT;

-- What names an organisation inside a meeting reference. An identifier brings
-- alerts only once verified; an identifier belongs to one organisation.
CREATE TABLE identifiers (
  id               INTEGER PRIMARY KEY,
  org_id           INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  kind             TEXT NOT NULL CHECK (kind IN ('email-domain', 'zoom-subdomain', 'teams-tenant', 'webex-site', 'meeting-domain')),
  value            TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'revoked')),
  method           TEXT CHECK (method IN ('dns', 'email', 'manual', 'admin-confirmed')),
  -- SHA-256 of the current verification token; the token itself is never stored.
  token_hash       TEXT,
  token_expires_at TEXT,
  verified_at      TEXT,
  verified_by      TEXT,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (kind, value)
) STRICT;
CREATE INDEX identifiers_org ON identifiers (org_id);

-- Registered meetings. The passcode is kept only as a salted hash.
CREATE TABLE meetings (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  platform      TEXT NOT NULL,
  meeting_id    TEXT NOT NULL,
  owner_email   TEXT NOT NULL COLLATE NOCASE,
  title         TEXT,
  passcode_hash TEXT,
  starts_at     TEXT,
  ends_at       TEXT,
  -- RFC 5545 RRULE of a recurring meeting.
  recurrence    TEXT,
  -- Allow-listed as public on purpose: sightings are recorded, no alert is sent.
  public        INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
  -- Where the registration came from (manual, csv, ics, feed) and the iCalendar UID.
  origin        TEXT NOT NULL DEFAULT 'manual',
  origin_uid    TEXT,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  -- Platform and id first: the same index finds every registration of a sighted meeting.
  UNIQUE (platform, meeting_id, org_id)
) STRICT;
CREATE INDEX meetings_org ON meetings (org_id);

-- Only posts that carry at least one meeting reference are stored.
CREATE TABLE posts (
  id         INTEGER PRIMARY KEY,
  source     TEXT NOT NULL,
  source_id  TEXT NOT NULL,
  url        TEXT,
  author     TEXT,
  created_at TEXT,
  fetched_at TEXT NOT NULL,
  text       TEXT NOT NULL,
  UNIQUE (source, source_id)
) STRICT;
CREATE INDEX posts_fetched_at ON posts (fetched_at);

-- One meeting reference in one post. A passcode seen in a post is kept only
-- masked and as a keyed hash, so it can be compared with a meeting registered later.
CREATE TABLE sightings (
  id              INTEGER PRIMARY KEY,
  post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  platform        TEXT NOT NULL,
  meeting_id      TEXT NOT NULL,
  url             TEXT,
  host            TEXT,
  org_hint_kind   TEXT,
  org_hint_value  TEXT,
  passcode_masked TEXT,
  passcode_hmac   TEXT,
  host_start      INTEGER NOT NULL DEFAULT 0 CHECK (host_start IN (0, 1)),
  raid_language   INTEGER NOT NULL DEFAULT 0 CHECK (raid_language IN (0, 1)),
  span_start      INTEGER NOT NULL,
  span_end        INTEGER NOT NULL,
  seen_at         TEXT NOT NULL,
  UNIQUE (post_id, platform, meeting_id)
) STRICT;
CREATE INDEX sightings_reference ON sightings (platform, meeting_id);
CREATE INDEX sightings_org_hint ON sightings (org_hint_kind, org_hint_value) WHERE org_hint_kind IS NOT NULL;

-- One leak per (organisation, platform, meeting id), grouping every sighting.
CREATE TABLE leaks (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  meeting_ref   INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
  platform      TEXT NOT NULL,
  meeting_id    TEXT NOT NULL,
  match_kind    TEXT NOT NULL CHECK (match_kind IN ('meeting', 'identifier', 'name')),
  severity      TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  -- JSON array of the reasons behind the severity, in words.
  reasons       TEXT NOT NULL DEFAULT '[]',
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'notified', 'acknowledged', 'resolved', 'ignored')),
  status_reason TEXT,
  first_seen    TEXT NOT NULL,
  last_seen     TEXT NOT NULL,
  UNIQUE (org_id, platform, meeting_id)
) STRICT;
CREATE INDEX leaks_status ON leaks (org_id, status);

CREATE TABLE leak_sightings (
  leak_id     INTEGER NOT NULL REFERENCES leaks (id) ON DELETE CASCADE,
  sighting_id INTEGER NOT NULL REFERENCES sightings (id) ON DELETE CASCADE,
  PRIMARY KEY (leak_id, sighting_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX leak_sightings_sighting ON leak_sightings (sighting_id);

-- Every change to a leak: who, when, what. Never updated, never deleted by retention.
CREATE TABLE leak_events (
  id          INTEGER PRIMARY KEY,
  leak_id     INTEGER NOT NULL REFERENCES leaks (id) ON DELETE CASCADE,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  event       TEXT NOT NULL,
  from_status TEXT,
  to_status   TEXT,
  detail      TEXT
) STRICT;
CREATE INDEX leak_events_leak ON leak_events (leak_id, at);

-- Operator actions outside leaks (identifier verification, manual vouching, imports).
CREATE TABLE audit_log (
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL,
  actor   TEXT NOT NULL,
  org_id  INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
  action  TEXT NOT NULL,
  subject TEXT,
  detail  TEXT
) STRICT;

-- Every message we owe someone. The dedupe key makes queuing idempotent; the
-- Message-ID is fixed at queue time so a resend after a crash is the same message.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  dedupe_key      TEXT NOT NULL UNIQUE,
  channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  recipient       TEXT NOT NULL,
  kind            TEXT NOT NULL,
  leak_id         INTEGER REFERENCES leaks (id) ON DELETE SET NULL,
  payload         TEXT NOT NULL,
  message_id      TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Where each crawler resumes; `scope` separates a source's queries, instances or boards.
CREATE TABLE crawl_cursors (
  source     TEXT NOT NULL,
  scope      TEXT NOT NULL,
  cursor     TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source, scope)
) STRICT, WITHOUT ROWID;

CREATE TABLE crawl_runs (
  id          INTEGER PRIMARY KEY,
  source      TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  pages       INTEGER NOT NULL DEFAULT 0,
  posts       INTEGER NOT NULL DEFAULT 0,
  refs        INTEGER NOT NULL DEFAULT 0,
  leaks       INTEGER NOT NULL DEFAULT 0,
  error       TEXT
) STRICT;
CREATE INDEX crawl_runs_source ON crawl_runs (source, started_at);
