// SyncStateStore: each stream's cursor, and the history of passes (sync_runs).
//
// A complete pass advances its stream's state and records its sync_runs row in
// one transaction, so a crash leaves either both or neither; an incomplete pass
// records only its row and the old cursor stays.
// Thread-safety: one SyncStateStore per connection (the writer records, readers
// load); a connection belongs to one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>

#include "common/result.hpp"
#include "common/time.hpp"
#include "store/sync_run.hpp"

namespace roomsd::store {

struct StreamState {
    std::optional<Timestamp> cursor;        // largest updated_at seen in the last complete pass
    std::optional<Timestamp> lastFullAt;    // when the last complete full pass finished
    std::optional<Timestamp> lastSuccessAt; // when the last complete pass finished
};

class SyncStateStore {
public:
    explicit SyncStateStore(SQLite::Database& db) : db_(db) {}

    // The stream's state; empty for a stream that never completed a pass.
    Result<StreamState> load(const std::string& stream);

    // Records a finished pass; with `newState`, also sets the stream's state, in
    // the same transaction. Runs that finished before `pruneBefore` are dropped.
    Result<void> recordPass(const SyncRun& run, const std::optional<StreamState>& newState, Timestamp pruneBefore);

    // The latest sync_runs row of `stream`, or nullopt when it never ran.
    Result<std::optional<SyncRun>> lastRun(const std::string& stream);

private:
    SQLite::Database& db_;
};

} // namespace roomsd::store
