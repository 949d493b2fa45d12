-- authrs schema version 3 (SQLite): where and when each session started, for its owner's
-- list of sessions (the account page). Nullable: sessions from before have none.
ALTER TABLE sessions ADD COLUMN created_at INTEGER;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN client_network TEXT;
