#include "sync/sync_runner.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include "store/bulk_load.hpp"

namespace roomsd::sync {

bool RunSummary::allSucceeded() const {
    if (stoppedBy) return false;
    for (const auto& p : passes)
        if (p.error) return false;
    return true;
}

std::optional<Error> RunSummary::firstError() const {
    if (stoppedBy) return stoppedBy;
    for (const auto& p : passes)
        if (p.error) return p.error;
    return std::nullopt;
}

SyncRunner::SyncRunner(SyncOptions options, telnyx::PageSource& source, SQLite::Database& writerDb)
    : options_(options), db_(writerDb), writer_(writerDb),
      state_(writerDb), env_{source, writer_, state_, options_, nowUtc, &progress_, &pages_} {
    writer_.batchPages(true);
}

void SyncRunner::setOptions(const SyncOptions& options) {
    std::lock_guard lock(pendingMutex_);
    pending_ = options;
}

RunSummary SyncRunner::runOnce(std::stop_token stop, RunRequest request) {
    {
        std::lock_guard lock(pendingMutex_);
        if (pending_) options_ = *std::exchange(pending_, std::nullopt);
    }
    RunSummary summary;
    // An empty mirror: its first backfill writes the rows first and builds the indexes after.
    auto deferred = store::beginBulkLoad(db_);
    if (!deferred)
        spdlog::warn("{}", deferred.error().message);
    else if (*deferred > 0)
        spdlog::info("first backfill: {} indexes are built after the rows", *deferred);
    for (const model::RecordSchema* schema : model::allSchemas()) {
        if (stop.stop_requested()) {
            summary.stoppedBy = fail(ErrorKind::Cancelled, "stopped");
            break;
        }
        StreamPass pass(*schema, env_);
        summary.passes.push_back(pass.run(stop, request.reconcile));
        const auto& error = summary.passes.back().error;
        if (error && (error->kind == ErrorKind::Auth || error->kind == ErrorKind::Cancelled)) {
            summary.stoppedBy = error;
            break;
        }
    }
    // The views' rollup catches up with what the passes wrote (the view is exact meanwhile, only
    // slower). Not on the way out: the rooms still pending stay listed for the next cycle.
    if (!summary.stoppedBy || summary.stoppedBy->kind != ErrorKind::Cancelled) {
        // The indexes of a first backfill, however its passes ended (the rollup's refresh reads
        // them). On the way out they are left to the next start (openWriter).
        if (auto flushed = writer_.flush(); !flushed) spdlog::warn("{}", flushed.error().message);
        auto building = std::chrono::steady_clock::now();
        if (auto built = store::endBulkLoad(db_); !built) {
            spdlog::error("{}", built.error().message);
        } else if (*built > 0) {
            spdlog::info(
                "first backfill: {} indexes built in {} ms", *built,
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - building)
                    .count());
        }
        auto started = std::chrono::steady_clock::now();
        auto refreshed = writer_.refreshRollups();
        if (!refreshed)
            spdlog::warn("{}", refreshed.error().message);
        else if (*refreshed > 0)
            spdlog::debug(
                "room_daily_activity: {} rooms recomputed in {} ms", *refreshed,
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                    .count());
    }
    return summary;
}

} // namespace roomsd::sync
