// SyncScheduler: a pass that failed for a passing reason is tried again soon, not an
// interval later, and the request that asked for a reconcile reaches the pass.
#include <catch2/catch.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "sync/scheduler.hpp"

using namespace roomsd;
using namespace roomsd::sync;
using namespace std::chrono;

namespace {

// The scheduler on an event loop of its own, with a pass that answers what the test says.
struct Fixture {
    boost::asio::io_context io;
    std::mutex mutex;
    std::condition_variable called;
    std::vector<RunRequest> requests; // one per pass, in order
    std::function<RunSummary(int)> answer = [](int) { return RunSummary{}; };
    SyncScheduler scheduler{io, hours(1),
                            [this](std::stop_token, RunRequest request) {
                                int n = 0;
                                {
                                    std::lock_guard lock(mutex);
                                    requests.push_back(request);
                                    n = static_cast<int>(requests.size());
                                }
                                called.notify_all();
                                return answer(n);
                            },
                            nullptr};
    std::jthread loop;

    void start() {
        boost::asio::post(io, [this] { scheduler.start(); });
        loop = std::jthread([this] {
            auto guard = boost::asio::make_work_guard(io);
            io.run();
        });
    }
    // Waits (at most `limit`) until `n` passes have started.
    bool passes(std::size_t n, milliseconds limit) {
        std::unique_lock lock(mutex);
        return called.wait_for(lock, limit, [&] { return requests.size() >= n; });
    }
    ~Fixture() {
        std::promise<void> stopped;
        boost::asio::post(io, [&] { scheduler.stop([&] { stopped.set_value(); }); });
        stopped.get_future().wait_for(seconds(10));
        io.stop();
    }
};

RunSummary failedWith(ErrorKind kind) {
    RunSummary summary;
    PassReport report;
    report.error = fail(kind, "the database is locked");
    summary.passes.push_back(report);
    return summary;
}

} // namespace

TEST_CASE("a pass that failed on a locked database is tried again within seconds, not an hour later") {
    Fixture f;
    f.answer = [](int n) { return n == 1 ? failedWith(ErrorKind::Storage) : RunSummary{}; };
    f.start();
    REQUIRE(f.passes(1, seconds(10)));
    // The interval is an hour; the retry comes after kFailedPassRetry.
    CHECK(f.passes(2, kFailedPassRetry + seconds(10)));
}

TEST_CASE("a reconcile asked for reaches the pass, and a scheduled pass is no reconcile") {
    Fixture f;
    f.start();
    REQUIRE(f.passes(1, seconds(10)));
    CHECK_FALSE(f.requests[0].reconcile);
    // Wait for the first pass to be recorded as finished, then ask.
    for (int i = 0; i < 100 && f.scheduler.activity().running; ++i) std::this_thread::sleep_for(milliseconds(20));
    CHECK(f.scheduler.requestPass(RunRequest{.reconcile = true}) == SyncControl::Trigger::Started);
    REQUIRE(f.passes(2, seconds(10)));
    CHECK(f.requests[1].reconcile);
}
