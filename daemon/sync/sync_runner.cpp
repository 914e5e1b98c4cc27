#include "sync/sync_runner.hpp"

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
      state_(writerDb), env_{source, writer_, state_, options_, nowUtc, &progress_} {
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
    return summary;
}

} // namespace roomsd::sync
