-- 0005_daily_rollup: room_daily_activity from a rollup, not from every session and participant.
--
-- room_daily_activity (0002) grouped every live session and participant by room and day on each
-- read: 2.0 s on a 20,000-room mirror. It now reads room_daily_rollup, one row per room and day,
-- for the rooms whose rows are current, and computes the others from the tables as 0002 did.
-- Which rooms are not current is kept by triggers in room_daily_dirty: any write that can change a
-- room's rows (a room's name or tombstone; a session's room, start or tombstone; a participant's
-- session, join, leave or tombstone) names the room there, in the same transaction as the write.
-- After each sync cycle roomsd recomputes those rooms' rows into the rollup and empties the list
-- (store/daily_rollup.cpp), so the view is exact after every commit, and fast once a cycle ends.
-- Both tables are internal: POST /sql reads them only through the view.
-- Never edit this file once released: a change is a new numbered file.

-- Indexes that hold what the views read, so that their joins and the rollup's refresh read index
-- entries instead of rows (each row holds its upstream_json: some 700 bytes of participant):
-- a session's room and tombstone by its id (the triggers below; participant_stats' join), a room's
-- name and tombstone by its id (every view's join to rooms), and the participants of a session
-- and the sessions of a room with the columns the views compute with. The last two replace 0001's
-- indexes of the same name and leading columns, which answer the same searches.
CREATE INDEX room_sessions_room_of ON room_sessions (id, deleted_at, room_id);
CREATE INDEX rooms_name_of ON rooms (id, deleted_at, unique_name);
DROP INDEX room_participants_session_id;
CREATE INDEX room_participants_session_id ON room_participants (session_id, joined_at DESC, id, deleted_at, left_at);
DROP INDEX room_sessions_room_id;
CREATE INDEX room_sessions_room_id ON room_sessions (room_id, created_at DESC, id, deleted_at, ended_at);

CREATE TABLE room_daily_rollup (
    room_id             TEXT NOT NULL,
    day                 TEXT NOT NULL,
    unique_name         TEXT,
    sessions_started    INTEGER NOT NULL,
    participants_joined INTEGER NOT NULL,
    participant_seconds REAL NOT NULL,
    PRIMARY KEY (room_id, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE room_daily_dirty (
    room_id TEXT PRIMARY KEY NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER rooms_daily_insert AFTER INSERT ON rooms BEGIN
    INSERT OR IGNORE INTO room_daily_dirty (room_id) VALUES (new.id);
END;
CREATE TRIGGER rooms_daily_update AFTER UPDATE OF id, unique_name, deleted_at ON rooms
WHEN old.id IS NOT new.id OR old.unique_name IS NOT new.unique_name OR old.deleted_at IS NOT new.deleted_at BEGIN
    INSERT OR IGNORE INTO room_daily_dirty (room_id) VALUES (old.id), (new.id);
END;
CREATE TRIGGER rooms_daily_delete AFTER DELETE ON rooms BEGIN
    INSERT OR IGNORE INTO room_daily_dirty (room_id) VALUES (old.id);
END;

CREATE TRIGGER room_sessions_daily_insert AFTER INSERT ON room_sessions WHEN new.room_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO room_daily_dirty (room_id) VALUES (new.room_id);
END;
CREATE TRIGGER room_sessions_daily_update AFTER UPDATE OF id, room_id, created_at, deleted_at ON room_sessions
WHEN old.id IS NOT new.id OR old.room_id IS NOT new.room_id OR old.created_at IS NOT new.created_at
     OR old.deleted_at IS NOT new.deleted_at BEGIN
    INSERT OR IGNORE INTO room_daily_dirty (room_id)
        SELECT old.room_id WHERE old.room_id IS NOT NULL UNION SELECT new.room_id WHERE new.room_id IS NOT NULL;
END;
CREATE TRIGGER room_sessions_daily_delete AFTER DELETE ON room_sessions WHEN old.room_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO room_daily_dirty (room_id) VALUES (old.room_id);
END;

CREATE TRIGGER room_participants_daily_insert AFTER INSERT ON room_participants WHEN new.session_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO room_daily_dirty (room_id)
        SELECT room_id FROM room_sessions WHERE id = new.session_id AND room_id IS NOT NULL;
END;
CREATE TRIGGER room_participants_daily_update AFTER UPDATE OF session_id, joined_at, left_at, deleted_at ON room_participants
WHEN old.session_id IS NOT new.session_id OR old.joined_at IS NOT new.joined_at OR old.left_at IS NOT new.left_at
     OR old.deleted_at IS NOT new.deleted_at BEGIN
    INSERT OR IGNORE INTO room_daily_dirty (room_id)
        SELECT room_id FROM room_sessions WHERE id IN (old.session_id, new.session_id) AND room_id IS NOT NULL;
END;
CREATE TRIGGER room_participants_daily_delete AFTER DELETE ON room_participants WHEN old.session_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO room_daily_dirty (room_id)
        SELECT room_id FROM room_sessions WHERE id = old.session_id AND room_id IS NOT NULL;
END;

-- The rows of the rooms in room_daily_dirty, computed from the tables as 0002's view computed them
-- (a subquery, not a CTE: POST /sql's authorizer is told which view a read comes from, and a CTE's
-- name would stand in for the view's). CROSS JOIN keeps the pending rooms the outer loop: SQLite,
-- knowing nothing of the table's size, would otherwise scan every session and look each up there.
CREATE VIEW room_daily_pending AS
SELECT e.room_id                     AS room_id,
       r.unique_name                 AS unique_name,
       e.day                         AS day,
       sum(e.sessions_started)       AS sessions_started,
       sum(e.participants_joined)    AS participants_joined,
       round(sum(e.participant_seconds), 3) AS participant_seconds
  FROM (SELECT s.room_id AS room_id, substr(s.created_at, 1, 10) AS day,
               1 AS sessions_started, 0 AS participants_joined, 0.0 AS participant_seconds
          FROM room_daily_dirty d
          CROSS JOIN room_sessions s ON s.room_id = d.room_id
         WHERE s.deleted_at IS NULL AND s.created_at IS NOT NULL
        UNION ALL
        SELECT s.room_id, substr(p.joined_at, 1, 10), 0, 1,
               coalesce(CASE WHEN p.left_at IS NOT NULL
                             THEN round((julianday(p.left_at) - julianday(p.joined_at)) * 86400.0, 3) END, 0.0)
          FROM room_daily_dirty d
          CROSS JOIN room_sessions s ON s.room_id = d.room_id AND s.deleted_at IS NULL
          CROSS JOIN room_participants p ON p.session_id = s.id
         WHERE p.deleted_at IS NULL AND p.joined_at IS NOT NULL) e
  LEFT JOIN rooms r ON r.id = e.room_id AND r.deleted_at IS NULL
 GROUP BY e.room_id, e.day;

-- The same columns, rows and values as 0002's view. Its rows come in (room_id, day) order once
-- no room is pending; ask for an order with ORDER BY.
DROP VIEW room_daily_activity;
CREATE VIEW room_daily_activity AS
-- Sessions without a room: 0002 counted them under a NULL room_id.
SELECT NULL AS room_id, NULL AS unique_name, substr(s.created_at, 1, 10) AS day,
       count(*) AS sessions_started, 0 AS participants_joined, 0.0 AS participant_seconds
  FROM room_sessions s
 WHERE s.room_id IS NULL AND s.deleted_at IS NULL AND s.created_at IS NOT NULL
 GROUP BY substr(s.created_at, 1, 10)
UNION ALL
SELECT room_id, unique_name, day, sessions_started, participants_joined, participant_seconds
  FROM room_daily_rollup
 WHERE room_id NOT IN (SELECT room_id FROM room_daily_dirty)
UNION ALL
SELECT room_id, unique_name, day, sessions_started, participants_joined, participant_seconds
  FROM room_daily_pending;

-- A mirror migrated from an earlier release: every room is pending until the first refresh.
INSERT OR IGNORE INTO room_daily_dirty (room_id)
    SELECT id FROM rooms UNION SELECT room_id FROM room_sessions WHERE room_id IS NOT NULL;
