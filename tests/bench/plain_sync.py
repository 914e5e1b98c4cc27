#!/usr/bin/env python3
"""The plain script a user would write instead of roomsd: the benchmark's third limit.

Standard library only (http.client, json, sqlite3): one keep-alive connection, the three
listings read page by page in order, each page written with executemany in its own
transaction, WAL with synchronous=NORMAL, and the same tables and secondary indexes as roomsd's
schema (schema/0001_init.sql and 0003_deleted_indexes.sql), the record itself kept as JSON beside
its columns as roomsd keeps upstream_json. No change detection, no deletions, no retries: a
backfill and nothing more.

    TELNYX_API_KEY=KEY plain_sync.py --base-url http://127.0.0.1:PORT/v2 --db FILE [--page-size 250]
                                     [--no-indexes]

--no-indexes leaves out the secondary indexes: what they cost, beside the same script with them.

Prints one JSON object: requests, records, wall seconds.
"""

import argparse
import datetime
import http.client
import json
import os
import sqlite3
import sys
import time
import urllib.parse

SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    id TEXT PRIMARY KEY NOT NULL, unique_name TEXT, max_participants INTEGER,
    enable_recording INTEGER, webhook_event_url TEXT, webhook_event_failover_url TEXT,
    webhook_timeout_secs INTEGER, active_session_id TEXT, created_at TEXT, updated_at TEXT,
    record_type TEXT, upstream_json TEXT NOT NULL, synced_at TEXT NOT NULL, deleted_at TEXT);
CREATE INDEX IF NOT EXISTS rooms_updated_at ON rooms (updated_at);
CREATE INDEX IF NOT EXISTS rooms_unique_name ON rooms (unique_name);
CREATE INDEX IF NOT EXISTS rooms_created_at ON rooms (created_at DESC, id);
CREATE TABLE IF NOT EXISTS room_sessions (
    id TEXT PRIMARY KEY NOT NULL, room_id TEXT, active INTEGER, created_at TEXT, updated_at TEXT,
    ended_at TEXT, record_type TEXT, upstream_json TEXT NOT NULL, synced_at TEXT NOT NULL,
    deleted_at TEXT);
CREATE INDEX IF NOT EXISTS room_sessions_room_id ON room_sessions (room_id, created_at DESC, id);
CREATE INDEX IF NOT EXISTS room_sessions_updated_at ON room_sessions (updated_at);
CREATE INDEX IF NOT EXISTS room_sessions_active ON room_sessions (active);
CREATE INDEX IF NOT EXISTS room_sessions_created_at ON room_sessions (created_at DESC, id);
CREATE TABLE IF NOT EXISTS room_participants (
    id TEXT PRIMARY KEY NOT NULL, session_id TEXT, context TEXT, joined_at TEXT, updated_at TEXT,
    left_at TEXT, record_type TEXT, upstream_json TEXT NOT NULL, synced_at TEXT NOT NULL,
    deleted_at TEXT);
CREATE INDEX IF NOT EXISTS room_participants_session_id
    ON room_participants (session_id, joined_at DESC, id);
CREATE INDEX IF NOT EXISTS room_participants_updated_at ON room_participants (updated_at);
CREATE INDEX IF NOT EXISTS room_participants_joined_at ON room_participants (joined_at DESC, id);
CREATE INDEX IF NOT EXISTS rooms_deleted ON rooms (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS room_sessions_deleted
    ON room_sessions (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS room_participants_deleted
    ON room_participants (deleted_at) WHERE deleted_at IS NOT NULL;
"""

# listing path -> (table, the record's fields stored as columns; the nested array is left out)
STREAMS = [
    ("/rooms", "rooms", ["id", "unique_name", "max_participants", "enable_recording",
                         "webhook_event_url", "webhook_event_failover_url", "webhook_timeout_secs",
                         "active_session_id", "created_at", "updated_at", "record_type"]),
    ("/room_sessions", "room_sessions", ["id", "room_id", "active", "created_at", "updated_at",
                                         "ended_at", "record_type"]),
    ("/room_participants", "room_participants", ["id", "session_id", "context", "joined_at",
                                                 "updated_at", "left_at", "record_type"]),
]
NESTED = ("sessions", "participants")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--page-size", type=int, default=250)
    parser.add_argument("--no-indexes", action="store_true")
    args = parser.parse_args()
    key = os.environ.get("TELNYX_API_KEY")
    if not key:
        sys.exit("plain_sync: TELNYX_API_KEY is not set")

    base = urllib.parse.urlsplit(args.base_url)
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    headers = {"Authorization": "Bearer " + key, "Accept": "application/json"}
    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    schema = SCHEMA
    if args.no_indexes:
        schema = ";".join(s for s in SCHEMA.split(";") if "CREATE INDEX" not in s)
    db.executescript(schema)

    started = time.monotonic()
    requests = records = 0
    for path, table, fields in STREAMS:
        sql = "INSERT OR REPLACE INTO %s (%s, upstream_json, synced_at) VALUES (%s)" % (
            table, ", ".join(fields), ", ".join("?" * (len(fields) + 2)))
        page, total_pages = 1, 1
        while page <= total_pages:
            query = urllib.parse.urlencode({"page[number]": page, "page[size]": args.page_size})
            conn.request("GET", base.path + path + "?" + query, headers=headers)
            response = conn.getresponse()
            body = response.read()
            requests += 1
            if response.status != 200:
                sys.exit("plain_sync: %s page %d: HTTP %d" % (path, page, response.status))
            answer = json.loads(body)
            now = datetime.datetime.now(datetime.timezone.utc).isoformat()
            rows = []
            for record in answer["data"]:
                kept = {k: v for k, v in record.items() if k not in NESTED}
                row = [int(v) if isinstance(v, bool) else v for v in (record.get(f) for f in fields)]
                rows.append(row + [json.dumps(kept, sort_keys=True), now])
            db.execute("BEGIN")
            db.executemany(sql, rows)
            db.execute("COMMIT")
            records += len(rows)
            total_pages = answer["meta"]["total_pages"]
            page += 1
    db.close()
    print(json.dumps({"requests": requests, "records": records,
                      "wall_s": round(time.monotonic() - started, 6)}))


if __name__ == "__main__":
    main()
