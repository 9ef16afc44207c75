-- Incremental sync of platform connections. A connection's meetings belong
-- to a scope (a host at the platform; '' for a platform walked whole each
-- time, Zoom), so a host listed completely, or gone from the account, takes
-- only its own meetings with it. sync_cursors holds, as JSON by scope, where
-- the next walk resumes (Graph's @odata.deltaLink, Calendar's nextSyncToken):
-- opaque to anyone without the connection's access token.
ALTER TABLE meetings ADD COLUMN connection_scope TEXT;
UPDATE meetings SET connection_scope = '' WHERE connection_id IS NOT NULL;
ALTER TABLE connections ADD COLUMN sync_cursors TEXT;
