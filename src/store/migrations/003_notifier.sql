-- The notifier (issue: notifier): outbox states, single-use action links, unsubscribes.

-- The outbox gains 'cancelled' (a digest with nothing new, an escalation of a leak
-- acknowledged meanwhile) and the time of the last attempt. SQLite cannot alter a
-- CHECK constraint, so the table is rebuilt with its rows.
CREATE TABLE outbox_new (
  id              INTEGER PRIMARY KEY,
  dedupe_key      TEXT NOT NULL UNIQUE,
  channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  recipient       TEXT NOT NULL,
  kind            TEXT NOT NULL,
  leak_id         INTEGER REFERENCES leaks (id) ON DELETE SET NULL,
  org_id          INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
  payload         TEXT NOT NULL,
  message_id      TEXT NOT NULL,
  -- 'sending' is a lease: a row still 'sending' when next_attempt_at passes was
  -- interrupted (a crash) and is sent again with the same Message-ID.
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'dead', 'cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_attempt_at TEXT,
  last_error      TEXT,
  -- The subject as last rendered, for `outbox list`.
  subject         TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
) STRICT;
INSERT INTO outbox_new (id, dedupe_key, channel, recipient, kind, leak_id, org_id, payload, message_id, status, attempts, next_attempt_at, last_error, created_at, sent_at)
  SELECT o.id, o.dedupe_key, o.channel, o.recipient, o.kind, o.leak_id, (SELECT org_id FROM leaks WHERE leaks.id = o.leak_id),
         o.payload, o.message_id, o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.sent_at
  FROM outbox AS o;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_leak ON outbox (leak_id) WHERE leak_id IS NOT NULL;
-- The daily cap counts what was sent to a recipient in the last 24 hours.
CREATE INDEX outbox_recipient_sent ON outbox (recipient, sent_at) WHERE status = 'sent';

-- Action links in emails work once: the nonce of a used link is kept until it expires.
CREATE TABLE used_links (
  nonce      TEXT PRIMARY KEY,
  action     TEXT NOT NULL,
  used_at    TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- People who unsubscribed from an organisation's alerts and digests. Admins still
-- receive escalations of urgent leaks: someone at the organisation must.
CREATE TABLE unsubscribes (
  org_id     INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  email      TEXT NOT NULL COLLATE NOCASE,
  at         TEXT NOT NULL,
  PRIMARY KEY (org_id, email)
) STRICT, WITHOUT ROWID;
