-- 0004_change_log: the change feed (README, "Change feed").
--
-- Every insert, update, deletion mark and restore a pass applies to rooms, room_sessions or
-- room_participants adds one row here, in the same transaction as the change itself, so the
-- log and the tables never disagree: replaying the log from the start gives the tables. A
-- pass that changes nothing adds nothing.
--   seq        strictly increasing, never reused (AUTOINCREMENT), gap-free except where
--              trimmed from the front
--   kind       the table changed
--   op         insert (new to the mirror), update (the stored record changed), delete
--              (deleted_at set: upstream no longer has it), restore (a deleted record listed again;
--              it may have changed too)
--   fields     JSON array of the upstream fields whose values changed, sorted; "deleted_at" for
--              delete and restore; NULL for insert (every field is new)
--   record     the record's upstream_json after the change
--   applied_at the row's synced_at after the change (and its deleted_at, for delete)
-- Never edit this file once released: a change is a new numbered file.

CREATE TABLE change_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The checks are spelled with OR, not IN (...): SQLite evaluates a CHECK's IN list of more
    -- than two values through a temporary b-tree it builds for every row inserted, which made a
    -- backfill's CPU time 1.7 times as long.
    kind       TEXT NOT NULL CHECK (kind = 'rooms' OR kind = 'room_sessions' OR kind = 'room_participants'),
    record_id  TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op = 'insert' OR op = 'update' OR op = 'delete' OR op = 'restore'),
    fields     TEXT,
    record     TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT;

-- What retention (changes.retain_days, changes.retain_count) has trimmed: every seq up to and
-- including `through` is gone. A consumer asking for changes after an older seq must re-snapshot.
CREATE TABLE change_log_trim (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    through INTEGER NOT NULL
) STRICT;
INSERT INTO change_log_trim (id, through) VALUES (1, 0);

-- Named consumers of the feed. Retention never trims a change after the smallest acked_seq.
CREATE TABLE change_consumers (
    name          TEXT PRIMARY KEY NOT NULL,
    acked_seq     INTEGER NOT NULL,
    registered_at TEXT NOT NULL,
    acked_at      TEXT
) STRICT;
