-- authrs schema version 4 (PostgreSQL): where and when each session started, for its owner's
-- list of sessions (the account page). Nullable: sessions from before have none.
ALTER TABLE sessions ADD COLUMN created_at TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN client_network TEXT;
