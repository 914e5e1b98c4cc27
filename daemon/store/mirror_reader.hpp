// MirrorReader: the read side of the mirror, for the query API.
//
// Lists and single records as the Telnyx API would answer them (filters,
// documented order, offset paging, embedded children), the freshness of what
// was read, and an overview of the sync state for /status and /metrics.
// Records upstream deleted (deleted_at set) are never returned, counted or
// embedded. Every call reads in one read transaction, so a page, its total and
// its freshness describe the same snapshot even while the writer commits.
//
// The documented order is the Telnyx one: rooms and sessions by created_at
// descending, participants by joined_at descending, nulls last, then id
// ascending. Timestamps are compared as the UTC text the mirror stores, which
// orders correctly because upstream writes them with a fixed precision.
//
// A MirrorReader keeps the statements it prepared (at most kKeptStatements), so
// that one kept with its connection parses each SELECT once, not on every read:
// preparing was most of a by-id read's cost. A kept statement is reset as soon
// as a read is done with it, so none holds a snapshot open between reads.
// Thread-safety: one MirrorReader per connection; a connection belongs to one
// thread at a time. The connection must outlive the reader.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"
#include "model/records.hpp"
#include "store/sync_state.hpp"

namespace roomsd::store {

// filter[date_<field>][eq|gte|lte]: the UTC date of `field` compared with dates.
struct DateRange {
    std::string_view field; // a Timestamp field of the schema: "created_at"
    std::optional<Date> eq;
    std::optional<Date> gte;
    std::optional<Date> lte;
};

// filter[<field>]=value: the field equals the value exactly (a null field never does).
struct FieldMatch {
    std::string_view field;
    std::variant<std::string, bool> value;
};

struct ListRequest {
    const model::RecordSchema* schema = nullptr;
    std::optional<std::string> parentId; // nested route: only children of this parent
    std::vector<DateRange> dates;
    std::vector<FieldMatch> matches;
    bool includeChildren = false;
    std::int64_t pageNumber = 1; // >= 1
    std::int64_t pageSize = 20;  // >= 1
};

// One stored record: its upstream JSON (nested array left out) and, when
// asked for, its live children in the documented order.
struct StoredRecord {
    std::string upstreamJson;
    std::vector<StoredRecord> children;
};

struct RecordPage {
    std::vector<StoredRecord> records;
    std::int64_t totalResults = 0;
    std::optional<Timestamp> syncedAt; // see lastSyncedAt
};

struct RecordLookup {
    std::optional<StoredRecord> record; // nullopt: unknown or deleted
    std::optional<Timestamp> syncedAt;
};

struct StreamOverview {
    const model::RecordSchema* schema = nullptr;
    StreamState state;
    std::int64_t liveRecords = 0;
    std::int64_t deletedRecords = 0;
    std::optional<SyncRun> lastRun; // the latest sync_runs row of the stream
};

struct MirrorOverview {
    std::vector<StreamOverview> streams; // rooms, sessions, participants
    int schemaVersion = 0;
    std::optional<Timestamp> syncedAt; // of all three streams
};

class MirrorReader {
public:
    // Statements kept at most (a read may add the few it uses); past that the kept ones are
    // dropped before the next read and prepared again as needed.
    static constexpr std::size_t kKeptStatements = 64;

    explicit MirrorReader(SQLite::Database& db) : db_(db) {}
    MirrorReader(const MirrorReader&) = delete;
    MirrorReader& operator=(const MirrorReader&) = delete;

    // One page of a listing, with the total number of matching records.
    Result<RecordPage> list(const ListRequest& request);
    // The live record `id` of `schema`, with its children when asked.
    Result<RecordLookup> get(const model::RecordSchema& schema, std::string_view id, bool includeChildren);
    // Sync state, record counts and the last pass of every stream.
    Result<MirrorOverview> overview();

private:
    class Snapshot;

    // The statement for `sql`, prepared on first use and kept until a Snapshot drops them all.
    // Throws SQLite::Exception.
    SQLite::Statement& prepared(const std::string& sql);
    // The rows of `table` upstream deleted (in this read's snapshot).
    std::int64_t deletedCount(const std::string& table);
    std::vector<StoredRecord> childrenOf(const model::RecordSchema& schema, const std::string& parentId);
    std::optional<Timestamp> syncedAt(const model::RecordSchema& schema, bool withChildren);

    SQLite::Database& db_;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

// The earliest sync_state.last_success_at of `schemas`' streams; nullopt when
// one of them never completed a pass. Throws SQLite::Exception.
std::optional<Timestamp> lastSyncedAt(SQLite::Database& db, std::span<const model::RecordSchema* const> schemas);

// The field a stream's documented order sorts by: "created_at" or "joined_at".
std::string_view orderFieldOf(const model::RecordSchema& schema);

// SQL counting the live (not deleted) rows of `table` as all rows minus the deleted ones: a
// whole table's count(*) reads its smallest index and the deleted ones have a partial index of
// their own (0003_deleted_indexes.sql), where "WHERE deleted_at IS NULL" would scan the table.
std::string liveCountSql(std::string_view table);

} // namespace roomsd::store
