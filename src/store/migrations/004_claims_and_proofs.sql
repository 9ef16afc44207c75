-- Claims and proofs (issue: a Zoom subdomain, Teams tenant or Webex site can be claimed by anyone first).
--
-- An admin's confirmation by email ('admin-confirmed') proved only that the
-- organisation has a verified email domain, nothing about a Zoom, Teams or
-- Webex account: any organisation could take another's subdomain, tenant or
-- site and receive its leaks. Those proofs are undone here, each with an
-- audit row in the same transaction (so no way of migrating can skip it),
-- and links still outstanding for a platform identifier stop working.
INSERT INTO audit_log (at, actor, org_id, action, subject, detail)
  SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'migration 004', org_id, 'identifier.unproven', kind || ' ' || value,
         json_object('method', method, 'verifiedAt', verified_at, 'verifiedBy', verified_by,
                     'reason', 'an admin''s email confirmation proves nothing about a platform account')
  FROM identifiers WHERE method = 'admin-confirmed' ORDER BY id;
UPDATE identifiers SET status = 'pending', method = NULL, verified_at = NULL, verified_by = NULL WHERE method = 'admin-confirmed';
UPDATE identifiers SET token_hash = NULL, token_expires_at = NULL, token_purpose = NULL, token_sent_to = NULL
  WHERE token_purpose = 'email' AND kind NOT IN ('email-domain', 'meeting-domain');

-- A claim is no longer exclusive (UNIQUE (kind, value) let the first claimant,
-- proven or not, lock the real owner out): several organisations may claim an
-- identifier, and at most one holds it proven. SQLite cannot drop a table
-- constraint or alter a CHECK, so the table is rebuilt with its rows.
CREATE TABLE identifiers_new (
  id               INTEGER PRIMARY KEY,
  org_id           INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  kind             TEXT NOT NULL CHECK (kind IN ('email-domain', 'zoom-subdomain', 'teams-tenant', 'webex-site', 'meeting-domain')),
  value            TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'revoked')),
  -- How control was proven: dns (a TXT record at the domain), email (a link to an operator
  -- mailbox of the domain), tenant (Microsoft names the Teams tenant of one of the
  -- organisation's verified email domains), manual (the operator vouched), connection (a
  -- connected platform account; not yet built).
  method           TEXT CHECK (method IN ('dns', 'email', 'tenant', 'manual', 'connection')),
  -- SHA-256 of the current verification token; the token itself is never stored.
  token_hash       TEXT,
  token_expires_at TEXT,
  verified_at      TEXT,
  verified_by      TEXT,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  token_purpose    TEXT CHECK (token_purpose IN ('dns', 'email')),
  token_sent_to    TEXT,
  UNIQUE (org_id, kind, value)
) STRICT;
INSERT INTO identifiers_new (id, org_id, kind, value, status, method, token_hash, token_expires_at, verified_at, verified_by, created_at, token_purpose, token_sent_to)
  SELECT id, org_id, kind, value, status, method, token_hash, token_expires_at, verified_at, verified_by, created_at, token_purpose, token_sent_to
  FROM identifiers;
DROP TABLE identifiers;
ALTER TABLE identifiers_new RENAME TO identifiers;
CREATE INDEX identifiers_org ON identifiers (org_id);
-- The one organisation an identifier's references belong to: the matcher looks it up here.
CREATE UNIQUE INDEX identifiers_proven ON identifiers (kind, value) WHERE status = 'verified';
-- Finds every claim of an identifier (conflicts, and whether another organisation holds it proven).
CREATE INDEX identifiers_claims ON identifiers (kind, value);
