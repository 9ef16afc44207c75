-- The JSON API (DESIGN.md §10): tokens an organisation's programs use to call
-- /api/v1 instead of a signed-in browser. A token belongs to one organisation
-- and sees nothing of another; `read` tokens only read, `write` tokens also
-- register and change. Only the SHA-256 of a token is kept: it is shown once,
-- when it is made (`leakwatch token create`, or the dashboard).
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
  token_hash   TEXT NOT NULL UNIQUE,
  -- Who made it, as the audit log names actors (`operator:alice`, a person's address).
  created_by   TEXT NOT NULL,
  -- The signed-in person who made it on the dashboard; null for the operator's CLI.
  person_id    INTEGER REFERENCES people (id) ON DELETE SET NULL,
  created_at   TEXT NOT NULL,
  -- Written at most once a minute, so reads stay reads.
  last_used_at TEXT,
  revoked_at   TEXT
) STRICT;
CREATE INDEX api_tokens_org ON api_tokens (org_id);
