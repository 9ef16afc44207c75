-- The dashboard (DESIGN.md §10): people who sign in by emailed link, the
-- installation's operators, single-use sign-in links, and sessions.
--
-- A person's organisations and roles are the `contacts` rows with their
-- address (admin or organiser): `leakwatch org add --admin` and the
-- dashboard's "create an organisation" write the same rows, so who may see an
-- organisation and who is emailed about it are one list.

CREATE TABLE people (
  id              INTEGER PRIMARY KEY,
  email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
  -- The installation's operators see every organisation (`leakwatch operator add`).
  operator        INTEGER NOT NULL DEFAULT 0 CHECK (operator IN (0, 1)),
  created_at      TEXT NOT NULL,
  last_sign_in_at TEXT
) STRICT;

-- Finds a person's organisations.
CREATE INDEX contacts_email ON contacts (email);

-- A mailed sign-in link: SHA-256 of its token (the token itself is never
-- stored), the address it was mailed to, and when it was used (once).
CREATE TABLE sign_in_tokens (
  token_hash TEXT PRIMARY KEY,
  email      TEXT NOT NULL COLLATE NOCASE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX sign_in_tokens_email ON sign_in_tokens (email) WHERE used_at IS NULL;

-- A signed-in browser: SHA-256 of the id in its cookie, the token its forms
-- carry against cross-site requests, when it was last used (idle expiry) and
-- when it ends whatever happens (absolute expiry).
CREATE TABLE sessions (
  id_hash      TEXT PRIMARY KEY,
  person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_person ON sessions (person_id);
