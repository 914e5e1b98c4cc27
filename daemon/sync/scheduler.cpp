#include "sync/scheduler.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace roomsd::sync {

SyncScheduler::SyncScheduler(boost::asio::io_context& io, std::chrono::seconds interval, RunPass runPass,
                             ClientStats clientStats)
    : io_(io), timer_(io), interval_(interval), runPass_(std::move(runPass)), clientStats_(std::move(clientStats)) {
    worker_ = std::jthread([this](std::stop_token) { work(cancel_.get_token()); });
}

SyncScheduler::~SyncScheduler() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cancel_.request_stop();
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void SyncScheduler::start() { requestPass({}); }

SyncControl::Trigger SyncScheduler::requestPass(RunRequest request) {
    std::lock_guard lock(mutex_);
    if (stopping_) return Trigger::ShuttingDown;
    if (running_) return Trigger::AlreadyRunning;
    if (requested_) {
        // Not started yet: a reconcile asked for now still counts.
        pending_.reconcile = pending_.reconcile || request.reconcile;
        return Trigger::AlreadyRunning;
    }
    requested_ = true;
    pending_ = request;
    wake_.notify_all();
    return Trigger::Started;
}

void SyncScheduler::stop(std::function<void()> done) {
    timer_.cancel();
    bool idle = false;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        requested_ = false;
        nextPassAt_.reset();
        idle = !running_;
        if (!idle) onStopped_ = std::move(done);
    }
    cancel_.request_stop();
    wake_.notify_all();
    if (idle && done) boost::asio::post(io_, std::move(done));
}

void SyncScheduler::armTimer(std::chrono::steady_clock::time_point at) {
    timerArmed_ = true;
    timer_.expires_at(at);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        timerArmed_ = false;
        requestPass({});
    });
}

void SyncScheduler::setInterval(std::chrono::seconds interval) {
    std::lock_guard lock(mutex_);
    interval_ = interval;
    if (!timerArmed_ || stopping_ || !lastStarted_) return; // a pass runs: it will use the new interval
    auto next = *lastStarted_ + currentInterval();
    auto wait = std::max(std::chrono::steady_clock::duration::zero(), next - std::chrono::steady_clock::now());
    nextPassAt_ = Timestamp{nowUtc().micros + std::chrono::duration_cast<std::chrono::microseconds>(wait).count()};
    armTimer(next); // replaces the pending wait, which ends with operation_aborted
}

std::chrono::steady_clock::duration SyncScheduler::currentInterval() const {
    if (failedPasses_ > 0) {
        // A pass that failed for a passing reason (a locked or full database, upstream down) is
        // tried again soon: 5 s, doubling, never later than the interval.
        auto retry = kFailedPassRetry * (1 << std::min(failedPasses_ - 1, 16));
        return std::min<std::chrono::steady_clock::duration>(retry, interval_);
    }
    if (rejectedPasses_ == 0) return interval_;
    std::chrono::steady_clock::duration longest = std::max<std::chrono::seconds>(interval_, std::chrono::hours(24));
    return std::min<std::chrono::steady_clock::duration>(interval_ * (1 << std::min(rejectedPasses_, 6)), longest);
}

void SyncScheduler::record(const RunSummary& summary) {
    auto error = summary.firstError();
    if (error && error->kind == ErrorKind::Auth) {
        if (rejectedPasses_ < 64) ++rejectedPasses_;
        credentialsRejected_ = error->message;
        failedPasses_ = 0;
    } else if (!summary.passes.empty() && !(summary.stoppedBy && summary.stoppedBy->kind == ErrorKind::Cancelled)) {
        rejectedPasses_ = 0;
        credentialsRejected_.reset();
        if (error) {
            if (failedPasses_ < 64) ++failedPasses_;
        } else {
            failedPasses_ = 0;
        }
    }
    for (const auto& pass : summary.passes) {
        StreamCounters& c = counters_[pass.run.stream];
        c.lastRun = pass.run;
        ++c.passesByOutcome[pass.run.outcome];
        c.totals += pass.run.counters;
        c.lastPassSeconds = static_cast<double>(pass.run.finishedAt.micros - pass.run.startedAt.micros) / 1e6;
        if (store::completed(pass.run.outcome))
            c.lastSuccessUnixSeconds = static_cast<double>(pass.run.finishedAt.micros) / 1e6;
    }
}

void SyncScheduler::work(std::stop_token stop) {
    while (true) {
        RunRequest request;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return requested_ || stopping_; });
            if (stopping_) return;
            requested_ = false;
            request = pending_;
            pending_ = {};
            running_ = true;
            runningSince_ = nowUtc();
            nextPassAt_.reset();
        }
        auto started = std::chrono::steady_clock::now();
        RunSummary summary;
        try {
            summary = runPass_(stop, request);
        } catch (const std::exception& e) {
            // A bug, not a sync failure: keep serving, try again next interval.
            spdlog::error("sync pass failed unexpectedly: {}", e.what());
            summary.stoppedBy = fail(ErrorKind::Internal, e.what());
        }
        std::chrono::steady_clock::time_point next;
        std::function<void()> stopped;
        {
            std::lock_guard lock(mutex_);
            lastStarted_ = started;
            record(summary);
            next = started + currentInterval();
            running_ = false;
            runningSince_.reset();
            if (!stopping_) {
                auto wait =
                    std::max(std::chrono::steady_clock::duration::zero(), next - std::chrono::steady_clock::now());
                nextPassAt_ =
                    Timestamp{nowUtc().micros + std::chrono::duration_cast<std::chrono::microseconds>(wait).count()};
            }
            stopped = std::move(onStopped_);
        }
        boost::asio::post(io_, [this, summary = std::move(summary), stopped = std::move(stopped)] {
            if (onFinished_) onFinished_(summary);
            if (stopped) {
                stopped();
                return;
            }
            std::lock_guard lock(mutex_);
            if (!stopping_) armTimer(*lastStarted_ + currentInterval()); // the interval as it is now (SIGHUP)
        });
    }
}

SyncActivity SyncScheduler::activity() const {
    SyncActivity a;
    {
        std::lock_guard lock(mutex_);
        a.running = running_;
        a.runningSince = runningSince_;
        a.nextPassAt = nextPassAt_;
        a.streams = counters_;
        a.credentialsRejected = credentialsRejected_;
    }
    if (clientStats_) a.client = clientStats_();
    if (progressSource_ && a.running) a.progress = progressSource_();
    return a;
}

} // namespace roomsd::sync
