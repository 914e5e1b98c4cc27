// SyncStateStore: each stream's cursor, and the history of passes (sync_runs).
//
// A complete pass advances its stream's state and records its sync_runs row in
// one transaction, so a crash leaves either both or neither; an incomplete pass
// records only its row and the old cursor stays.
// Thread-safety: statements on the writer connection; one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"

namespace roomsd::store {

struct StreamState {
    std::optional<std::string> cursor;        // largest updated_at seen in the last complete pass
    std::optional<std::string> lastFullAt;    // when the last complete full pass finished
    std::optional<std::string> lastSuccessAt; // when the last complete pass finished
};

// One row of sync_runs: what one pass of one stream did.
struct SyncRun {
    std::string stream;
    std::string mode; // backfill | incremental | reconcile
    std::optional<std::string> filterDate;
    std::string startedAt;
    std::string finishedAt;
    std::string outcome; // ok | held | failed | cancelled
    std::string message;
    std::int64_t requests = 0;
    std::int64_t retries = 0;
    std::int64_t pages = 0;
    std::int64_t walks = 0;
    std::int64_t recordsSeen = 0;
    std::int64_t inserted = 0;
    std::int64_t updated = 0;
    std::int64_t unchanged = 0;
    std::int64_t deleted = 0;
    std::int64_t embeddedWritten = 0;
    std::int64_t errors = 0;
    std::optional<std::string> cursorBefore;
    std::optional<std::string> cursorAfter;
};

class SyncStateStore {
public:
    explicit SyncStateStore(SQLite::Database& db) : db_(db) {}

    // The stream's state; empty for a stream that never completed a pass.
    Result<StreamState> load(const std::string& stream);

    // Records a finished pass; with `newState`, also sets the stream's state, in
    // the same transaction. Runs that finished before `pruneBefore` are dropped.
    Result<void> recordPass(const SyncRun& run, const std::optional<StreamState>& newState, Timestamp pruneBefore);

private:
    SQLite::Database& db_;
};

} // namespace roomsd::store
