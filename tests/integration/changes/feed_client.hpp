// What the change feed's tests share: a consumer that replays changes into rows keyed by
// (kind, id), the mirror's own rows read straight from its SQLite file (every column, typed
// as the feed types them, from the table's declared types), change_log rows a test writes
// itself, and the events of a server-sent event stream.
// Thread-safety: plain functions and values; the Catch assertions belong to the test's thread.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "support/daemon.hpp"

namespace roomsd::test {

using RowKey = std::pair<std::string, std::string>; // (kind, id)
using Rows = std::map<RowKey, boost::json::object>;

// Every row of rooms, room_sessions and room_participants, deleted ones included, each column
// as JSON: TEXT as a string, INTEGER as a number, the 0/1 columns with a CHECK (x IN (0, 1))
// as true/false, NULL as null.
Rows mirrorRows(const std::filesystem::path& database);

// Applies one change (as the feed sends it) to `rows`: the row it carries replaces the kind's row.
void applyChange(Rows& rows, const boost::json::object& change);

// Appends a change_log row as the writer would (record = the record's stored upstream_json);
// returns its seq.
std::int64_t appendChange(const std::filesystem::path& database, const std::string& kind, const std::string& id,
                          const std::string& op, const std::string& fieldsJson);

// GET /changes?<query> over the daemon's socket, parsed; fails the test unless it answers 200.
boost::json::object changesPage(const RoomsdDaemon& daemon, const std::string& query);

// The feed's last seq, from GET /status (which answers however much was trimmed).
std::int64_t lastSeq(const RoomsdDaemon& daemon);

struct SseEvent {
    std::string id;
    std::string event;
    std::string data;
};
// The events of an event-stream body (comments left out), and how many comment lines it had.
std::vector<SseEvent> parseEvents(const std::string& body, int* comments = nullptr);
struct StreamRead {
    std::string head;             // status line and headers
    std::string body;             // de-chunked
    std::vector<SseEvent> events; // parsed from body
    int comments = 0;
    bool closed = false;    // the daemon ended the connection
    bool lastChunk = false; // the body's last chunk arrived: the stream ended whole
};
// Sends GET `target` with `headers` on a new connection to `socket` and reads the event stream
// until `wantEvents` events arrived, the daemon closed it, or `limit` passed (a bound, not a timing).
StreamRead readEvents(const std::filesystem::path& socket, const std::string& target,
                      const std::vector<std::string>& headers, std::size_t wantEvents,
                      std::chrono::milliseconds limit = std::chrono::seconds(20));

} // namespace roomsd::test
