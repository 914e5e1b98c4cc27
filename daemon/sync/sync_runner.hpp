// SyncRunner: one pass of every stream, in order (rooms, sessions, participants).
//
// A failed stream does not stop the others, except when the API rejected the
// credentials (nothing else can succeed) or a stop was requested.
// Thread-safety: one runOnce() at a time; it owns the writer's statements. setOptions() from
// any thread: the options are taken at the start of the next runOnce(), never within a pass.
#pragma once

#include <SQLiteCpp/Database.h>

#include <mutex>
#include <optional>
#include <stop_token>
#include <vector>

#include "store/mirror_writer.hpp"
#include "store/sync_state.hpp"
#include "sync/stream_pass.hpp"
#include "sync/sync_control.hpp"
#include "sync/sync_options.hpp"
#include "telnyx/page_source.hpp"

namespace roomsd::sync {

struct RunSummary {
    std::vector<PassReport> passes;
    std::optional<Error> stoppedBy; // Auth or Cancelled, when the run ended early
    bool allSucceeded() const;
    // The first failure, preferring the one that stopped the run.
    std::optional<Error> firstError() const;
};

class SyncRunner {
public:
    SyncRunner(SyncOptions options, telnyx::PageSource& source, SQLite::Database& writerDb);

    RunSummary runOnce(std::stop_token stop, RunRequest request = {});
    // How far the pass in progress has got (any thread).
    const PassProgress& progress() const { return progress_; }
    // New options (SIGHUP) for the passes from the next runOnce() on.
    void setOptions(const SyncOptions& options);

private:
    std::mutex pendingMutex_;
    std::optional<SyncOptions> pending_; // set by setOptions, taken by runOnce
    SyncOptions options_;                // what the passes of this run read (env_ refers to it)
    SQLite::Database& db_;
    store::MirrorWriter writer_;
    store::SyncStateStore state_;
    PassProgress progress_;
    PageCache pages_; // kept from one cycle to the next
    PassEnvironment env_;
};

} // namespace roomsd::sync
