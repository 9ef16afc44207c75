-- Platform connections (issue 14): an organisation's admin connects its
-- platform account once with the credentials of a server-to-server app (Zoom
-- Server-to-Server OAuth, and later a Microsoft Entra app registration or a
-- Google service account). leakwatch then imports every meeting of the
-- account and proves the platform identifiers the account reports.
-- AUTOINCREMENT: a number an email or the audit log gave never names a later connection.
CREATE TABLE connections (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id          INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  provider        TEXT NOT NULL CHECK (provider IN ('zoom', 'microsoft', 'google')),
  -- The platform account (Zoom account id, Entra tenant, Workspace customer): not a secret.
  account_id      TEXT NOT NULL,
  -- The app's public identifier (Zoom client id, Entra application id, service account address).
  client_id       TEXT NOT NULL,
  -- The app's secret, AES-256-GCM with LEAKWATCH_SECRET_KEY, bound to org_id, provider and
  -- account_id (src/connect/secret-box.ts). Access tokens are kept in memory only.
  sealed_secret   TEXT NOT NULL,
  -- The scopes the platform granted the last token, space-separated.
  scopes          TEXT,
  -- The admin allowed the write scope rotation needs; without it only read scopes are asked for.
  write_opt_in    INTEGER NOT NULL DEFAULT 0 CHECK (write_opt_in IN (0, 1)),
  -- pending: never synchronised; ok: the last sync worked; failing: it failed for a reason that
  -- may pass (the platform down, rate limits); revoked: the credential is refused or lacks a scope.
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'failing', 'revoked')),
  last_sync_at    TEXT,
  last_success_at TEXT,
  last_error      TEXT,
  -- Since when the credential has been refused; with error_reported, the admins are told once per episode.
  failing_since   TEXT,
  error_reported  INTEGER NOT NULL DEFAULT 0 CHECK (error_reported IN (0, 1)),
  -- Counts of the last sync (JSON).
  last_result     TEXT,
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  -- One account is kept in step by one connection: two would import its meetings twice.
  UNIQUE (provider, account_id)
) STRICT;
CREATE INDEX connections_org ON connections (org_id);

-- A meeting imported from a connection: removed when it is cancelled or deleted upstream, and
-- with the connection. origin_uid holds its upstream id.
ALTER TABLE meetings ADD COLUMN connection_id INTEGER REFERENCES connections (id) ON DELETE CASCADE;
CREATE INDEX meetings_connection ON meetings (connection_id) WHERE connection_id IS NOT NULL;
