-- Context across posts (issue: detection): a passcode posted in a reply belongs
-- to the meeting named in the post it replies to ("zoom 861 2290 4418" in one
-- post, "pw is 4321" in a reply).

-- The source id of the post a post answers (same source), when the source says.
ALTER TABLE posts ADD COLUMN reply_to TEXT;
-- Finds the replies waiting for a post when it arrives.
CREATE INDEX posts_reply_to ON posts (source, reply_to) WHERE reply_to IS NOT NULL;

-- The written passcode a reply carries for the post it answers (none of the
-- reply's own references took it), masked and fingerprinted as a sighting's,
-- with where it is written in the reply. A reply whose parent is not stored
-- yet waits here until the parent arrives; retention deletes it with its post.
CREATE TABLE reply_passcodes (
  post_id         INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
  passcode_masked TEXT NOT NULL,
  passcode_hmac   TEXT NOT NULL,
  span_start      INTEGER NOT NULL,
  span_end        INTEGER NOT NULL,
  raid_language   INTEGER NOT NULL DEFAULT 0 CHECK (raid_language IN (0, 1))
) STRICT;

-- A sighting made of a reply's passcode and the meeting of the post it answers.
ALTER TABLE sightings ADD COLUMN via_reply INTEGER NOT NULL DEFAULT 0 CHECK (via_reply IN (0, 1));
-- When leakwatch recorded the sighting (seen_at is when it was posted): a
-- digest gathers what was recorded since the last message, even when it was
-- posted before (a reply read on a later crawl, or applied once its parent came).
ALTER TABLE sightings ADD COLUMN recorded_at TEXT;

-- Keyed fingerprints of a meeting's registered passcodes, one per form
-- (`code$<hmac>`, `token$<hmac>`), with the key of the sightings' fingerprints:
-- a reply stored before its parent keeps only the fingerprint of its passcode,
-- and this is what it is compared with when the parent arrives. Meetings
-- registered before this migration have none until they are registered again.
ALTER TABLE meetings ADD COLUMN passcode_fingerprints TEXT;
