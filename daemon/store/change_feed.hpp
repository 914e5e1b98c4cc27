// ChangeFeed: the read side of the change log (schema/0004_change_log.sql) for the query API:
// its bounds, a page of changes after a seq, and a snapshot of the three tables consistent
// with one seq.
//
// The log is gap-free but for its trimmed front, so a page scans a bounded seq range: with a
// kind filter at most `scanRows` seqs are examined per call, and the page says how far it
// looked (nextSince), so a filter on a rare kind never reads the whole log in one request.
// A snapshot reads every row (deleted ones included) in one read transaction, with the seq
// its rows are consistent with, and hands them to a sink one at a time.
// Thread-safety: one ChangeFeed per connection; a connection belongs to one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"
#include "model/records.hpp"

namespace roomsd::store {

// One change_log row.
struct Change {
    std::int64_t seq = 0;
    const model::RecordSchema* schema = nullptr; // the kind: schema->table is "rooms", ...
    std::string recordId;
    std::string op;                    // insert, update, delete, restore
    std::optional<std::string> fields; // JSON array text; NULL for an insert
    std::string record;                // the record's upstream_json after the change
    std::string appliedAt;
};

struct FeedBounds {
    std::int64_t lastSeq = 0;        // the newest seq ever written (0 when none)
    std::int64_t oldestSeq = 1;      // the oldest seq still held (lastSeq + 1 when the log is empty)
    std::int64_t trimmedThrough = 0; // every seq <= this is gone
    std::int64_t retained = 0;       // changes held
};

struct ChangePage {
    std::vector<Change> changes;
    std::int64_t nextSince = 0; // the last seq examined: the `since` of the next call
    FeedBounds bounds;
};

// One row of a mirror table, every column, as stored.
struct TableRow {
    const model::RecordSchema* schema = nullptr;
    std::vector<model::FieldValue> values; // parallel to schema->fields
    std::string upstreamJson;
    std::string syncedAt;
    std::optional<std::string> deletedAt;
};

// Receives a snapshot: begin() once, then every row; returning false stops it.
class SnapshotSink {
public:
    virtual ~SnapshotSink() = default;
    virtual bool begin(std::int64_t seq, Timestamp takenAt) = 0;
    virtual bool row(const TableRow& row) = 0;
};

inline constexpr std::int64_t kScanRows = 50'000;

// The schema of a change kind ("rooms", "room_sessions", "room_participants": the table), or nullptr.
const model::RecordSchema* schemaOfKind(std::string_view kind);

// The bounds, read inside the caller's transaction. Throws SQLite::Exception.
FeedBounds readFeedBounds(SQLite::Database& db);

class ChangeFeed {
public:
    explicit ChangeFeed(SQLite::Database& db) : db_(db) {}

    Result<FeedBounds> bounds();
    // The changes with seq > since, in seq order, at most `limit`, only of `kind` when given.
    Result<ChangePage> page(std::int64_t since, std::int64_t limit, const model::RecordSchema* kind,
                            std::int64_t scanRows = kScanRows);
    // Every row of the three tables (or of `kind`), tables in sync order, rows by id; the
    // number of rows given to the sink. Cancelled when `stop` fires or the sink refuses.
    Result<std::int64_t> snapshot(const model::RecordSchema* kind, SnapshotSink& sink, std::stop_token stop);

private:
    SQLite::Database& db_;
};

} // namespace roomsd::store
