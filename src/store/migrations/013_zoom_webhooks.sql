-- Zoom's event notifications for a connection (meeting.created, .updated,
-- .deleted), so its meetings are kept in step between scheduled syncs. The
-- Zoom app's "Secret Token" signs each notification; it is stored like the
-- app's client secret: AES-256-GCM with LEAKWATCH_SECRET_KEY, bound to the
-- connection (src/connect/secret-box.ts). Null: no notifications accepted.
ALTER TABLE connections ADD COLUMN sealed_webhook_secret TEXT;
