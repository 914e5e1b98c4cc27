// SyncScheduler: runs a pass of every stream at start and then every
// sync.interval_secs, on a thread of its own so that a pass never blocks the
// event loop (and the queries it serves).
//
// Timers live on the Asio event loop; the pass runs on the scheduler's worker
// thread. Intervals count from the start of a pass; a pass that overruns is
// followed at once by the next. While the API rejects the key, passes back off
// (the interval doubles per rejected pass, up to 64 times or a day). A pass that
// failed otherwise (a locked or full database, upstream unreachable) is tried
// again after 5 s, doubling per failed pass, never later than the interval. stop() cancels a running pass (the page in
// flight is committed or rolled back, the cursor stays) and calls back on the
// event loop once the worker is idle.
// Thread-safety: requestPass() and activity() from any thread; start(), stop()
// and setInterval() from the event loop's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

#include "sync/sync_control.hpp"
#include "sync/sync_runner.hpp"

namespace roomsd::sync {

inline constexpr std::chrono::seconds kFailedPassRetry{5};

class SyncScheduler : public SyncControl {
public:
    using RunPass = std::function<RunSummary(std::stop_token, RunRequest)>;
    using ClientStats = std::function<UpstreamCounters()>;

    SyncScheduler(boost::asio::io_context& io, std::chrono::seconds interval, RunPass runPass, ClientStats clientStats);
    ~SyncScheduler() override;

    // Starts the first pass now.
    void start();
    // Cancels the running pass and stops scheduling; `done` runs on the event loop when idle.
    void stop(std::function<void()> done);
    // Changes sync.interval_secs (SIGHUP): the next pass starts `interval` after the last
    // one started (at once if that is past). Event loop only.
    void setInterval(std::chrono::seconds interval);
    // What activity() reports as the pass in progress (set once, before start()).
    void setProgressSource(std::function<std::optional<PassProgressSnapshot>()> source) {
        progressSource_ = std::move(source);
    }
    // Called on the event loop after each pass (for the systemd status line, say).
    void onPassFinished(std::function<void(const RunSummary&)> callback) { onFinished_ = std::move(callback); }

    Trigger requestPass(RunRequest request) override;
    SyncActivity activity() const override;

private:
    void work(std::stop_token stop);
    void armTimer(std::chrono::steady_clock::time_point at);
    void record(const RunSummary& summary);
    // The wait from one pass's start to the next: the interval, doubled for each consecutive
    // pass whose key was rejected (a key does not fix itself; the mirror keeps serving).
    std::chrono::steady_clock::duration currentInterval() const;

    boost::asio::io_context& io_;
    boost::asio::steady_timer timer_;
    std::chrono::seconds interval_;
    RunPass runPass_;
    ClientStats clientStats_;
    std::function<std::optional<PassProgressSnapshot>()> progressSource_;
    std::function<void(const RunSummary&)> onFinished_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool requested_ = false;
    RunRequest pending_; // what the requested pass is to be
    bool running_ = false;
    bool stopping_ = false;
    std::optional<Timestamp> runningSince_;
    std::optional<Timestamp> nextPassAt_;
    std::optional<std::chrono::steady_clock::time_point> lastStarted_; // of the last pass
    std::optional<std::string> credentialsRejected_;
    int rejectedPasses_ = 0;  // consecutive passes whose key the API rejected: they back off
    int failedPasses_ = 0;    // consecutive passes that failed otherwise: they are retried soon
    bool timerArmed_ = false; // waiting for the next pass (event loop only)
    std::map<std::string, StreamCounters> counters_;
    std::stop_source cancel_;
    std::function<void()> onStopped_;
    std::jthread worker_;
};

} // namespace roomsd::sync
