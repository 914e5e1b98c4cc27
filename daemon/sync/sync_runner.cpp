#include "sync/sync_runner.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

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
    : options_(options), writer_(writerDb),
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
