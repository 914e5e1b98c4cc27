-- 0007_deferred_indexes: a first backfill builds the secondary indexes after the rows.
--
-- Inserting some 200,000 records into B-trees keyed by random UUIDs costs more than sorting them
-- once: on an empty mirror roomsd drops the secondary indexes of rooms, room_sessions and
-- room_participants before the first backfill's rows, keeping each one's CREATE text here, and
-- creates them again from that text when the cycle ends (store/bulk_load.cpp). A roomsd killed
-- meanwhile creates them when it next opens the mirror, before anything else runs.
-- Never edit this file once released: a change is a new numbered file.

CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY NOT NULL,
    sql  TEXT NOT NULL
) STRICT;
