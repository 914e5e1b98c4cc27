// PassProgress: how far the pass in progress has got, for /status, the log and a terminal.
//
// The pass updates it after each page; anyone may take a snapshot at any time. The
// estimate of the time left is the pages still to read at the walk's rate so far.
// Thread-safety: every member may be called from any thread.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "common/time.hpp"
#include "store/sync_run.hpp"
#include "sync/sync_control.hpp"

namespace roomsd::sync {

class PassProgress {
public:
    void begin(std::string stream, store::PassMode mode, Timestamp now) {
        std::lock_guard lock(mutex_);
        current_ = PassProgressSnapshot{};
        current_->stream = std::move(stream);
        current_->mode = mode;
        current_->startedAt = now;
        current_->walkStartedAt = now;
    }
    void beginWalk(int walk, Timestamp now) {
        std::lock_guard lock(mutex_);
        if (!current_) return;
        current_->walk = walk;
        current_->pagesDone = 0;
        current_->pagesTotal = -1;
        current_->walkStartedAt = now;
    }
    void checking() {
        std::lock_guard lock(mutex_);
        if (current_) current_->phase = "checking unseen records by id";
    }
    // One more page read; `pagesTotal` the largest page count the listing gave (-1: none).
    void page(std::int64_t pagesTotal, std::int64_t records, std::int64_t requests) {
        std::lock_guard lock(mutex_);
        if (!current_) return;
        ++current_->pagesDone;
        if (pagesTotal > current_->pagesTotal) current_->pagesTotal = pagesTotal;
        current_->records = records;
        current_->requests = requests;
    }
    void end() {
        std::lock_guard lock(mutex_);
        current_.reset();
    }
    // The pass in progress at `now`, with its rates and estimate, or nullopt between passes.
    std::optional<PassProgressSnapshot> snapshot(Timestamp now) const {
        std::lock_guard lock(mutex_);
        if (!current_) return std::nullopt;
        PassProgressSnapshot s = *current_;
        double passSeconds = static_cast<double>(now.micros - s.startedAt.micros) / 1e6;
        double walkSeconds = static_cast<double>(now.micros - s.walkStartedAt.micros) / 1e6;
        if (passSeconds > 0) s.recordsPerSecond = static_cast<double>(s.records) / passSeconds;
        if (s.pagesTotal >= s.pagesDone && s.pagesDone > 0 && walkSeconds > 0)
            s.secondsLeft =
                static_cast<double>(s.pagesTotal - s.pagesDone) * walkSeconds / static_cast<double>(s.pagesDone);
        return s;
    }

private:
    mutable std::mutex mutex_;
    std::optional<PassProgressSnapshot> current_;
};

} // namespace roomsd::sync
