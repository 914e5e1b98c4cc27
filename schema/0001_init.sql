-- 0001_init: the mirror's tables.
--
-- rooms, room_sessions and room_participants are part of roomsd's documented
-- interface for SQL users (README, "Tables"): one column per field of the Telnyx
-- spec, named as in the spec; timestamps are the ISO 8601 UTC text upstream
-- sends ("2021-04-16T09:46:20.954863Z"; a timestamp in any other form is
-- stored in that one, so that text order is time order); booleans are 0/1.
-- Three columns are roomsd's own:
--   upstream_json  the record exactly as upstream last sent it (nested arrays
--                  left out, keys sorted), so a field upstream adds is never lost
--   synced_at      when roomsd last wrote the row (it is not rewritten when
--                  nothing changed)
--   deleted_at     when roomsd found that upstream no longer has the record;
--                  NULL while it does
-- Never edit this file once released: a change is a new numbered file.

CREATE TABLE rooms (
    id                         TEXT PRIMARY KEY NOT NULL,
    unique_name                TEXT,
    max_participants           INTEGER,
    enable_recording           INTEGER CHECK (enable_recording IN (0, 1)),
    webhook_event_url          TEXT,
    webhook_event_failover_url TEXT,
    webhook_timeout_secs       INTEGER,
    active_session_id          TEXT,
    created_at                 TEXT,
    updated_at                 TEXT,
    record_type                TEXT,
    upstream_json              TEXT NOT NULL,
    synced_at                  TEXT NOT NULL,
    deleted_at                 TEXT
) STRICT;

CREATE INDEX rooms_updated_at ON rooms (updated_at);
CREATE INDEX rooms_unique_name ON rooms (unique_name);
CREATE INDEX rooms_created_at ON rooms (created_at DESC, id);

CREATE TABLE room_sessions (
    id            TEXT PRIMARY KEY NOT NULL,
    room_id       TEXT,
    active        INTEGER CHECK (active IN (0, 1)),
    created_at    TEXT,
    updated_at    TEXT,
    ended_at      TEXT,
    record_type   TEXT,
    upstream_json TEXT NOT NULL,
    synced_at     TEXT NOT NULL,
    deleted_at    TEXT
) STRICT;

CREATE INDEX room_sessions_room_id ON room_sessions (room_id, created_at DESC, id);
CREATE INDEX room_sessions_updated_at ON room_sessions (updated_at);
CREATE INDEX room_sessions_active ON room_sessions (active);
CREATE INDEX room_sessions_created_at ON room_sessions (created_at DESC, id);

CREATE TABLE room_participants (
    id            TEXT PRIMARY KEY NOT NULL,
    session_id    TEXT,
    context       TEXT,
    joined_at     TEXT,
    updated_at    TEXT,
    left_at       TEXT,
    record_type   TEXT,
    upstream_json TEXT NOT NULL,
    synced_at     TEXT NOT NULL,
    deleted_at    TEXT
) STRICT;

CREATE INDEX room_participants_session_id ON room_participants (session_id, joined_at DESC, id);
CREATE INDEX room_participants_updated_at ON room_participants (updated_at);
CREATE INDEX room_participants_joined_at ON room_participants (joined_at DESC, id);

-- One row per stream: where the next pass starts.
CREATE TABLE sync_state (
    stream          TEXT PRIMARY KEY NOT NULL CHECK (stream IN ('rooms', 'sessions', 'participants')),
    cursor          TEXT,  -- largest updated_at seen in the last complete pass
    last_full_at    TEXT,  -- when the last complete full (unfiltered) pass finished
    last_success_at TEXT   -- when the last complete pass finished
) STRICT;

-- One row per pass of one stream, complete or not.
CREATE TABLE sync_runs (
    id            INTEGER PRIMARY KEY,
    stream        TEXT NOT NULL,
    mode          TEXT NOT NULL CHECK (mode IN ('backfill', 'incremental', 'reconcile')),
    filter_date   TEXT,              -- filter[date_updated_at][gte] sent, NULL for a full pass
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('ok', 'held', 'failed', 'cancelled')),
    message       TEXT,
    requests      INTEGER NOT NULL,  -- HTTP requests, retries included
    retries       INTEGER NOT NULL,
    pages         INTEGER NOT NULL,  -- list pages received
    walks         INTEGER NOT NULL,  -- times the listing was walked (a listing that moved is walked again)
    records_seen  INTEGER NOT NULL,  -- records of this stream received
    inserted      INTEGER NOT NULL,  -- ... of which new to the mirror
    updated       INTEGER NOT NULL,  -- ... changed
    unchanged     INTEGER NOT NULL,  -- ... identical, or older than the stored copy
    deleted       INTEGER NOT NULL,  -- marked deleted_at by this pass
    embedded_written INTEGER NOT NULL, -- records embedded in this stream's (a room's sessions) inserted or updated
    errors        INTEGER NOT NULL,  -- failed requests and records that could not be used
    cursor_before TEXT,
    cursor_after  TEXT
) STRICT;

CREATE INDEX sync_runs_stream_finished ON sync_runs (stream, finished_at);
