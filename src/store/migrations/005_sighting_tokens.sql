-- A reference can carry two forms of one passcode: the code written in the
-- post and the token of its link (Zoom's encoded pwd=). Both are compared
-- with what the organiser registered, so the token gets a masked copy and a
-- keyed fingerprint of its own, like the passcode.
ALTER TABLE sightings ADD COLUMN token_masked TEXT;
ALTER TABLE sightings ADD COLUMN token_hmac TEXT;
