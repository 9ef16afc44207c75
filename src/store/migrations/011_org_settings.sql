-- What an organisation's admins set for themselves on the dashboard
-- (DESIGN.md §5, §10): how often digests go, how many messages a person gets
-- in a day, whether and when urgent leaks are escalated to the admins, and
-- the webhooks that receive its alerts. A null setting means the
-- installation's default (`notify.*` in the configuration).
CREATE TABLE org_settings (
  org_id                 INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
  digest_hours           INTEGER CHECK (digest_hours BETWEEN 1 AND 168),
  daily_cap              INTEGER CHECK (daily_cap BETWEEN 1 AND 1000),
  -- 0: urgent leaks are never escalated to the admins.
  escalation             INTEGER NOT NULL DEFAULT 1 CHECK (escalation IN (0, 1)),
  escalate_after_minutes INTEGER CHECK (escalate_after_minutes BETWEEN 5 AND 10080),
  updated_at             TEXT NOT NULL,
  updated_by             TEXT NOT NULL
) STRICT;

-- An organisation's own webhooks. Each is signed with its own key, derived
-- from LEAKWATCH_WEBHOOK_SECRET and `salt` (HMAC-SHA256), so a receiver of
-- one organisation can never forge a call to another's and the database
-- alone holds no key. A new salt is a new key.
CREATE TABLE org_webhooks (
  id         INTEGER PRIMARY KEY,
  org_id     INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  url        TEXT NOT NULL,
  salt       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  UNIQUE (org_id, url)
) STRICT;
