-- Work claimed by a process (issue: faults). One lease rule for every kind of
-- work: it is leased when it starts, the lease is renewed while it runs (every
-- third of leases.ttlMs) and released when it ends. A lease past its expiry is
-- free: its holder died or stalled, and whoever asks next takes the work.
-- Holders are written PID@HOST/TOKEN, one token per worker of a process.

-- Named work: a source's crawl (`crawl:reddit`) and the daemon's other jobs
-- (`housekeeping`, `calendar-feeds`).
CREATE TABLE leases (
  name        TEXT PRIMARY KEY,
  holder      TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  renewed_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- An outbox message's send is leased in its own row (status 'sending' until
-- next_attempt_at, taken when its send starts); this says by whom, so that
-- `outbox flush` can tell whose lease a message waits for.
ALTER TABLE outbox ADD COLUMN lease_holder TEXT;
