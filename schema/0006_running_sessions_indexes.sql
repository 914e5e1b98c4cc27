-- 0006_running_sessions_indexes: the README's "sessions running now" from index entries alone.
--
-- The query (session_stats JOIN participant_stats, active sessions, participants still present)
-- found the active sessions through 0001's index of `active` alone, then read each session's row
-- for its id, room, start and tombstone, and each present participant's row for its context: some
-- 14,000 rows of 300 to 700 bytes on a 20,000-room mirror, which a reader's 2 MB page cache reads
-- again on every query (0.065 s of CPU, two thirds of it in the kernel, for 0.026 s once the index
-- entries hold what it reads). Both indexes keep their name and their leading columns, so every
-- search that used them still can; each only carries more columns.
-- Never edit this file once released: a change is a new numbered file.

-- The active sessions with what session_stats reads of them (and its join to rooms).
DROP INDEX room_sessions_active;
CREATE INDEX room_sessions_active ON room_sessions (active, deleted_at, id, room_id, created_at);

-- 0005's participants-of-a-session index with the participant's context.
DROP INDEX room_participants_session_id;
CREATE INDEX room_participants_session_id ON room_participants (session_id, joined_at DESC, id, deleted_at, left_at, context);
